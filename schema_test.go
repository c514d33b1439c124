package gormauth

import (
	"encoding/json"
	"os"
	"reflect"
	"sort"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm/schema"

	"github.com/gormauth/gormauth/models"
)

// specFile is the shape of testdata/nextauth-schema.json: tables by name.
type specFile map[string]specFileTable

type specFileTable struct {
	Columns []specFileColumn `json:"columns"`
	Indexes []specFileIndex  `json:"indexes"`
}

type specFileColumn struct {
	Name     string  `json:"name"`
	Type     string  `json:"type"`
	Nullable bool    `json:"nullable"`
	Default  *string `json:"default"`
}

type specFileIndex struct {
	Name    string   `json:"name"`
	Columns []string `json:"columns"`
	Unique  bool     `json:"unique"`
	Primary bool     `json:"primary"`
}

// readSpecFile reads testdata/nextauth-schema.json, with each table's
// indexes sorted by name (their order there carries no meaning).
func readSpecFile(t *testing.T) specFile {
	t.Helper()
	raw, err := os.ReadFile("testdata/nextauth-schema.json")
	require.NoError(t, err)
	var f specFile
	require.NoError(t, json.Unmarshal(raw, &f))
	f.sortIndexes()
	return f
}

func (f specFile) sortIndexes() {
	for _, t := range f {
		sort.Slice(t.Indexes, func(i, j int) bool { return t.Indexes[i].Name < t.Indexes[j].Name })
	}
}

// expectedAsSpecFile converts expectedSchema() to the shape of the file.
func expectedAsSpecFile() specFile {
	f := specFile{}
	for _, t := range expectedSchema() {
		var ft specFileTable
		for _, c := range t.Columns {
			fc := specFileColumn{Name: c.Name, Type: c.Type, Nullable: c.Nullable}
			if c.Default != "" {
				def := c.Default
				fc.Default = &def
			}
			ft.Columns = append(ft.Columns, fc)
		}
		for _, ix := range t.Indexes {
			ft.Indexes = append(ft.Indexes, specFileIndex{
				Name: ix.Name, Columns: ix.Columns,
				Unique: ix.Kind != indexPlain, Primary: ix.Kind == indexPrimary,
			})
		}
		f[t.Name] = ft
	}
	f.sortIndexes()
	return f
}

func TestExpectedSchemaEqualsSpecFile(t *testing.T) {
	t.Parallel()
	assert.Equal(t, readSpecFile(t), expectedAsSpecFile())
}

func TestExpectedSchemaIsNotShared(t *testing.T) {
	t.Parallel()
	a := expectedSchema()
	a[0].Columns[0].Name = "changed"
	a[1].Indexes[0].Columns[0] = "changed"
	assert.Equal(t, readSpecFile(t), expectedAsSpecFile(), "expectedSchema must return fresh data every time")
}

// gormType maps the type GORM's tags give a field to the information_schema
// name PostgreSQL reports for it.
func gormType(t *testing.T, f *schema.Field) string {
	t.Helper()
	switch f.TagSettings["TYPE"] {
	case "varchar":
		return typeVarchar
	case "text":
		return typeText
	case "timestamp":
		return typeTimestamp
	case "":
		if f.DataType == schema.Int && f.Size == 32 {
			return typeInteger
		}
	}
	t.Errorf("%s: no known PostgreSQL type for GORM type %q/%s size %d", f.DBName, f.TagSettings["TYPE"], f.DataType, f.Size)
	return ""
}

// TestModelsAgreeWithExpectedSchema parses the GORM models and checks that
// they describe the same columns and indexes as the expected schema, so that
// the models and AutoMigrate's DDL cannot drift apart.
func TestModelsAgreeWithExpectedSchema(t *testing.T) {
	t.Parallel()
	byTable := map[string]any{
		models.UsersTable:                &models.User{},
		models.AccountsTable:             &models.Account{},
		models.SessionsTable:             &models.Session{},
		models.VerificationRequestsTable: &models.VerificationRequest{},
	}
	namers := map[string]schema.Namer{
		"default":      schema.NamingStrategy{},
		"prefixed app": schema.NamingStrategy{TablePrefix: "app_", SingularTable: true},
	}
	for namerName, namer := range namers {
		for _, spec := range expectedSchema() {
			t.Run(namerName+"/"+spec.Name, func(t *testing.T) {
				s, err := schema.Parse(byTable[spec.Name], &sync.Map{}, namer)
				require.NoError(t, err)
				assert.Equal(t, spec.Name, s.Table)
				checkModelColumns(t, spec, s)
				checkModelIndexes(t, spec, s)
			})
		}
	}
	assert.Len(t, byTable, len(expectedSchema()))
}

func checkModelColumns(t *testing.T, spec specTable, s *schema.Schema) {
	var names []string
	for _, c := range spec.Columns {
		names = append(names, c.Name)
	}
	var migrated []string
	for _, dbName := range s.DBNames {
		if !s.FieldsByDBName[dbName].IgnoreMigration {
			migrated = append(migrated, dbName)
		}
	}
	require.Equal(t, names, migrated, "columns in order")
	for _, c := range spec.Columns {
		f := s.FieldsByDBName[c.Name]
		assert.Equal(t, c.Type, gormType(t, f), "%s: type", c.Name)
		notNull := f.NotNull || f.PrimaryKey
		assert.Equal(t, c.Nullable, !notNull, "%s: not null tag", c.Name)
		if !f.PrimaryKey {
			assert.Equal(t, c.Nullable, f.FieldType.Kind() == reflect.Ptr, "%s: nullable columns are pointers", c.Name)
		}
		switch {
		case c.Name == "id":
			assert.True(t, f.PrimaryKey && f.AutoIncrement, "id: primary key, auto increment")
			assert.Equal(t, []*schema.Field{f}, s.PrimaryFields)
		case c.Default != "":
			assert.Equal(t, c.Default, f.DefaultValue, "%s: default", c.Name)
		default:
			assert.False(t, f.HasDefaultValue, "%s: no default", c.Name)
		}
	}
}

func checkModelIndexes(t *testing.T, spec specTable, s *schema.Schema) {
	var wantUnique, wantPlain, gotUnique, gotPlain []string
	for _, ix := range spec.Indexes {
		switch ix.Kind {
		case indexUnique:
			require.Len(t, ix.Columns, 1)
			wantUnique = append(wantUnique, ix.Columns[0])
		case indexPlain:
			require.Len(t, ix.Columns, 1)
			wantPlain = append(wantPlain, ix.Name+"("+ix.Columns[0]+")")
		}
	}
	for _, dbName := range s.DBNames {
		if s.FieldsByDBName[dbName].Unique {
			gotUnique = append(gotUnique, dbName)
		}
	}
	for _, ix := range s.ParseIndexes() {
		assert.Empty(t, ix.Class, "%s: GORM must not create unique indexes; NextAuth.js's uniques are constraints", ix.Name)
		require.Len(t, ix.Fields, 1, ix.Name)
		gotPlain = append(gotPlain, ix.Name+"("+ix.Fields[0].DBName+")")
	}
	sort.Strings(wantUnique)
	sort.Strings(gotUnique)
	sort.Strings(wantPlain)
	sort.Strings(gotPlain)
	assert.Equal(t, wantUnique, gotUnique, "unique columns")
	assert.Equal(t, wantPlain, gotPlain, "plain indexes")
}

func TestCreateTableDDL(t *testing.T) {
	t.Parallel()
	got := createTableDDL(`"public"."users"`, expectedSchema()[0])
	want := `CREATE TABLE "public"."users" (
  "id" serial NOT NULL,
  "name" character varying,
  "email" character varying,
  "email_verified" timestamp without time zone,
  "image" character varying,
  "created" timestamp without time zone NOT NULL DEFAULT now(),
  "updated" timestamp without time zone NOT NULL DEFAULT now(),
  CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY (id),
  CONSTRAINT "UQ_97672ac88f789774dd47f7c8be3" UNIQUE (email)
)`
	assert.Equal(t, want, got)
}

func TestDifferenceString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d    Difference
		want string
	}{
		{Difference{Kind: ColumnType, Table: "users", Column: "email", Found: "integer", Expected: "character varying"},
			"users.email: column type differs: found integer, expected character varying"},
		{Difference{Kind: MissingTable, Table: "sessions", Expected: "table with columns id"},
			"sessions: missing table: found none, expected table with columns id"},
		{Difference{Kind: ExtraIndex, Table: "users", Index: "idx_name", Found: "CREATE INDEX idx_name ON public.users USING btree (name)"},
			`users ("idx_name"): extra index: found CREATE INDEX idx_name ON public.users USING btree (name), expected none`},
		{Difference{Kind: DifferenceKind(99), Table: "users"},
			"users: DifferenceKind(99): found none, expected none"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.d.String())
	}
}

func TestDifferenceKindIncompatible(t *testing.T) {
	t.Parallel()
	created := []DifferenceKind{MissingTable, MissingIndex}
	tolerated := []DifferenceKind{ExtraColumn, ExtraIndex, ExtraConstraint}
	refused := []DifferenceKind{MissingColumn, ColumnType, ColumnNullability, ColumnDefault,
		IndexDefinition, IndexRenamed, NameTaken, ExtraRequiredColumn}
	for _, k := range append(created, tolerated...) {
		assert.False(t, k.Incompatible(), k.String())
	}
	for _, k := range refused {
		assert.True(t, k.Incompatible(), k.String())
	}
	assert.Len(t, append(append(created, tolerated...), refused...), int(ExtraConstraint), "every kind is classified")
}
