// Package benchvs measures an operation of the module against its floor,
// hand-written pgx v5 sending the same statements on the same database, for
// package repository's benchmarks: both sides run in interleaved rounds (in
// alternating order), and the reported ratio is the median of the rounds'
// ratios, so that what else the machine does affects both sides alike.
//
// Metrics, per side: module-ns/op and pgx-ns/op (wall time per operation,
// all clients together), ratio (module time ÷ pgx time: ≤ 1 is as fast),
// tput (module throughput ÷ pgx throughput), module-allocs/op and
// pgx-allocs/op (every allocation of the process while the side ran,
// divided by its operations), module-stmts/op and pgx-stmts/op (statements
// sent, BEGIN and COMMIT included).
package benchvs

import (
	"context"
	"log"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/require"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// PoolSize is the connections each side may open: as many as the most
// clients, so that neither waits for a connection the other has.
const PoolSize = 32

// Rounds is the number of measured rounds of Compare.
const Rounds = 20

// Counter counts the statements a pgx connection sends (pgx.QueryTracer);
// both sides have one, so that both pay for it.
type Counter struct{ n atomic.Int64 }

// TraceQueryStart counts a statement.
func (c *Counter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}

// TraceQueryEnd does nothing.
func (c *Counter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// Load returns the number of statements counted.
func (c *Counter) Load() int64 { return c.n.Load() }

// OpenGorm opens dsn as a GORM application does (gorm.io/driver/postgres
// on pgx's database/sql driver, GORM's default logger, but without its
// slow-query warnings, which would land in the benchmark's output), with a
// pool of PoolSize connections whose statements c counts.
func OpenGorm(tb testing.TB, dsn string, c *Counter) *gorm.DB {
	tb.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	require.NoError(tb, err)
	cfg.Tracer = c
	sqlDB := stdlib.OpenDB(*cfg)
	sqlDB.SetMaxOpenConns(PoolSize)
	sqlDB.SetMaxIdleConns(PoolSize)
	db, err := gorm.Open(postgres.New(postgres.Config{Conn: sqlDB}), &gorm.Config{
		Logger: logger.New(log.New(os.Stdout, "\r\n", log.LstdFlags), logger.Config{LogLevel: logger.Warn, Colorful: true}),
	})
	require.NoError(tb, err)
	return db
}

// OpenPgx opens a pgxpool of PoolSize connections on dsn, whose statements
// c (if not nil) counts.
func OpenPgx(tb testing.TB, dsn string, c *Counter) *pgxpool.Pool {
	tb.Helper()
	cfg, err := pgxpool.ParseConfig(dsn)
	require.NoError(tb, err)
	cfg.MaxConns = PoolSize
	if c != nil {
		cfg.ConnConfig.Tracer = c
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(tb, err)
	return pool
}

// Op is one operation on both sides.
type Op struct {
	// Stmts is the statements an operation sends, on both sides; 0 for
	// unchecked.
	Stmts float64
	// Prepare (may be nil) makes what n operations of each side consume,
	// outside the timing.
	Prepare func(ctx context.Context, n int) (module, floor []string, err error)
	// Module and Floor run operation i of a round; in is what Prepare made
	// for the side.
	Module, Floor func(ctx context.Context, i int, in []string) error
}

// Sides are the statement counters of the module's and the floor's pools,
// and what resets the data between rounds (may be nil).
type Sides struct {
	Module, Pgx *Counter
	CleanUp     func(ctx context.Context) error
}

// Compare runs op on both sides in interleaved rounds with the given
// number of clients, and reports the metrics. A side that sends another
// number of statements than op.Stmts fails b.
func Compare(b *testing.B, op Op, s Sides, clients int) {
	ctx := context.Background()
	n := max(clients, (b.N+Rounds-1)/Rounds)
	type side struct {
		name    string
		run     func(ctx context.Context, i int, in []string) error
		counter *Counter
		ns      []float64
		allocs  []float64
		stmts   []float64
	}
	sides := [2]*side{
		{name: "module", run: op.Module, counter: s.Module},
		{name: "pgx", run: op.Floor, counter: s.Pgx},
	}
	var ratios, tputs []float64
	b.ResetTimer()
	b.StopTimer()
	for round := -1; round < Rounds; round++ { // round -1 warms both sides up, uncounted
		var in [2][]string
		if op.Prepare != nil {
			var err error
			in[0], in[1], err = op.Prepare(ctx, n)
			require.NoError(b, err)
		}
		var elapsed [2]time.Duration
		for k := 0; k < 2; k++ {
			which := (k + round + 2) % 2 // alternate who goes first
			sd := sides[which]
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			stmts := sd.counter.Load()
			b.StartTimer()
			elapsed[which] = runClients(ctx, b, sd.run, n, clients, in[which])
			b.StopTimer()
			runtime.ReadMemStats(&after)
			if round >= 0 {
				sd.ns = append(sd.ns, float64(elapsed[which].Nanoseconds())/float64(n))
				sd.allocs = append(sd.allocs, float64(after.Mallocs-before.Mallocs)/float64(n))
				sd.stmts = append(sd.stmts, float64(sd.counter.Load()-stmts)/float64(n))
			}
		}
		if round >= 0 {
			ratio := float64(elapsed[0]) / float64(elapsed[1])
			ratios = append(ratios, ratio)
			tputs = append(tputs, 1/ratio)
		}
		if s.CleanUp != nil {
			require.NoError(b, s.CleanUp(ctx))
		}
	}
	for _, sd := range sides {
		b.ReportMetric(Median(sd.ns), sd.name+"-ns/op")
		b.ReportMetric(Median(sd.allocs), sd.name+"-allocs/op")
		b.ReportMetric(Median(sd.stmts), sd.name+"-stmts/op")
		if got := Median(sd.stmts); op.Stmts > 0 && got != op.Stmts {
			b.Errorf("%s sent %.2f statements per operation, want %.0f", sd.name, got, op.Stmts)
		}
	}
	b.ReportMetric(Median(ratios), "ratio")
	b.ReportMetric(Median(tputs), "tput")
	b.ReportMetric(0, "ns/op") // the wall time of both sides together says nothing
}

// runClients runs n operations of run on clients goroutines and returns
// how long they took.
func runClients(ctx context.Context, b *testing.B, run func(context.Context, int, []string) error, n, clients int, in []string) time.Duration {
	var next atomic.Int64
	var wg sync.WaitGroup
	var firstErr atomic.Value
	start := time.Now()
	for c := 0; c < clients; c++ {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := run(ctx, i, in); err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err, _ := firstErr.Load().(error); err != nil {
		b.Fatal(err)
	}
	return elapsed
}

// Median returns the median of xs.
func Median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
