package examples_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// internalPrefix is the import path of gormauth's internal packages, which
// a reader's program cannot import.
const internalPrefix = "github.com/gormauth/gormauth/internal"

// TestCopyable checks that a reader can copy every example: no program under
// examples/ (the nested module examples/signin included) and no file with a
// go-doc Example function, anywhere in the repository, imports gormauth's
// internal packages. Tests of the examples may (they need throwaway
// databases).
func TestCopyable(t *testing.T) {
	var programs int
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		programs++
		assertNoInternalImports(t, path, parse(t, path))
		return nil
	})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, programs, 7, "the programs of quickstart, httpauth, magiclink, cleanup, nextjs-prisma, nextjs-beta73 and signin")

	var examples int
	err = filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f := parse(t, path)
		if names := exampleFuncs(f); len(names) > 0 {
			examples += len(names)
			assertNoInternalImports(t, path+" (with "+strings.Join(names, ", ")+")", f)
		}
		return nil
	})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, examples, 10, "the repository's go-doc Example functions are found")
}

// parse parses the imports of the Go file at path, and its declarations.
func parse(t *testing.T, path string) *ast.File {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	require.NoError(t, err)
	return f
}

// exampleFuncs returns the names of f's go-doc Example functions.
func exampleFuncs(f *ast.File) []string {
	var names []string
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if ok && fn.Recv == nil && strings.HasPrefix(fn.Name.Name, "Example") && fn.Type.Params.NumFields() == 0 {
			names = append(names, fn.Name.Name)
		}
	}
	return names
}

func assertNoInternalImports(t *testing.T, what string, f *ast.File) {
	t.Helper()
	for _, imp := range f.Imports {
		path, err := strconv.Unquote(imp.Path.Value)
		require.NoError(t, err)
		if path == internalPrefix || strings.HasPrefix(path, internalPrefix+"/") {
			t.Errorf("%s imports %s: a reader cannot copy it; use the public API (the database from DATABASE_URL)", what, path)
		}
	}
}
