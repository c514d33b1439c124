package ids_test

import (
	"regexp"
	"sort"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/internal/ids"
)

func TestHex(t *testing.T) {
	a, err := ids.Hex()
	require.NoError(t, err)
	b, err := ids.Hex()
	require.NoError(t, err)
	assert.Regexp(t, `^[0-9a-f]{64}$`, a)
	assert.NotEqual(t, a, b)
}

func TestUUID(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		u, err := ids.UUID()
		require.NoError(t, err)
		assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, u)
		assert.False(t, seen[u])
		seen[u] = true
	}
}

// TestCUID: cuids have the shape of Prisma's (as measured in
// testdata/authjs/prisma-rows.json, e.g. cmwy82oa00000o67dbptizrp9), are
// unique across goroutines, and sort by time.
func TestCUID(t *testing.T) {
	c := ids.NewCUID()
	shape := regexp.MustCompile(`^c[0-9a-z]{24}$`)
	assert.Regexp(t, shape, "cmwy82oa00000o67dbptizrp9", "the measured Prisma cuid has the shape")
	var mu sync.Mutex
	var all []string
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Go(func() {
			for i := 0; i < 500; i++ {
				s, err := c.New()
				require.NoError(t, err)
				mu.Lock()
				all = append(all, s)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, s := range all {
		assert.Regexp(t, shape, s)
		assert.False(t, seen[s], s)
		seen[s] = true
	}
	first, err := c.New()
	require.NoError(t, err)
	later := ids.NewCUID()
	next, err := later.New()
	require.NoError(t, err)
	sorted := []string{next, first}
	sort.Strings(sorted)
	assert.LessOrEqual(t, first[1:9], next[1:9], "the time block grows")
}
