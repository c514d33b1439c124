package testdb

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/require"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Tracer records every statement pgx sends, BEGIN and COMMIT included, so
// tests can count round trips. It is safe for concurrent use.
type Tracer struct {
	mu  sync.Mutex
	sql []string
}

// TraceQueryStart records the statement (pgx.QueryTracer).
func (tr *Tracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.sql = append(tr.sql, d.SQL)
	return ctx
}

// TraceQueryEnd does nothing (pgx.QueryTracer).
func (tr *Tracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// Reset forgets what was recorded.
func (tr *Tracer) Reset() {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.sql = nil
}

// Statements returns what was recorded since the last Reset.
func (tr *Tracer) Statements() []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return append([]string(nil), tr.sql...)
}

// Count returns how many statements recorded since the last Reset begin
// with the keyword (such as "UPDATE"), ignoring case and leading space.
func (tr *Tracer) Count(keyword string) int {
	n := 0
	for _, s := range tr.Statements() {
		if strings.HasPrefix(strings.ToUpper(strings.TrimSpace(s)), strings.ToUpper(keyword)) {
			n++
		}
	}
	return n
}

// OpenTraced opens dsn with GORM through a pgx connection whose statements
// the returned Tracer records; the pool is closed when tb ends. opts adjust
// the pgx connection config (a session TimeZone, say). The GORM logger is
// silent.
func OpenTraced(tb testing.TB, dsn string, opts ...stdlib.OptionOpenDB) (*gorm.DB, *Tracer) {
	tb.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	require.NoError(tb, err)
	tr := &Tracer{}
	cfg.Tracer = tr
	sqlDB := stdlib.OpenDB(*cfg, opts...)
	tb.Cleanup(func() { sqlDB.Close() })
	db, err := gorm.Open(postgres.New(postgres.Config{Conn: sqlDB}), &gorm.Config{Logger: logger.Discard})
	require.NoError(tb, err)
	return db, tr
}
