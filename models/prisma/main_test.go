package prisma_test

import (
	"testing"

	"github.com/gormauth/gormauth/internal/harness/testdb"
)

// TestMain gives the Example a throwaway database in DATABASE_URL.
func TestMain(m *testing.M) { testdb.MainWithDatabase(m, "DATABASE_URL") }
