package cleanup_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/cleanup"
)

// TestOnceNilRepository: Once with a nil repository reports it in the
// Result, as Run returns it (it panicked).
func TestOnceNilRepository(t *testing.T) {
	res := cleanup.Once(context.Background(), nil, 0)
	require.ErrorContains(t, res.Err, "nil repository")
	require.Zero(t, res.Sessions+res.Verifications)
}
