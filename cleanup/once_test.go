package cleanup_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/cleanup"
	legacy "github.com/gormauth/gormauth/internal/legacy73"
	"github.com/gormauth/gormauth/repository"
)

// TestOnceNilRepository: Once with a nil repository reports it in the
// Result, as Run returns it (it panicked).
func TestOnceNilRepository(t *testing.T) {
	for _, res := range []cleanup.Result{
		cleanup.Once(context.Background(), (*legacy.Repository)(nil), 0),
		cleanup.Once(context.Background(), (*repository.Repository)(nil), 0),
	} {
		require.ErrorContains(t, res.Err, "nil repository")
		require.Zero(t, res.Sessions+res.Verifications)
	}
}
