package repository_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gormauth/gormauth/internal/legacy73"
)

// Transaction with a nil function is ErrInvalidInput, before BEGIN.
func TestTransactionNil(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.tracer.Reset()
	assert.ErrorIs(t, e.repo.Transaction(context.Background(), nil), repository.ErrInvalidInput)
	assert.Empty(t, e.tracer.Statements(), "nothing sent")
}
