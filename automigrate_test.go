package gormauth

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"
	"gorm.io/gorm/schema"

	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/models"
)

func TestAutoMigrateEmptyDatabase(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t)
	testdb.InstallDDLLog(t, db)

	require.NoError(t, AutoMigrate(context.Background(), db, Beta73))

	assert.Equal(t, readSpecFile(t), liveSpecFile(t, db), "tables, columns and indexes as in nextauth-schema.json")
	for _, table := range []string{"users", "accounts", "sessions", "verification_requests"} {
		var seq struct {
			Owned    string
			DataType string
		}
		require.NoError(t, db.Raw(`SELECT pg_get_serial_sequence(?, 'id') AS owned, s.data_type::text AS data_type
			FROM pg_sequences s WHERE s.schemaname = 'public' AND s.sequencename = ?`,
			table, table+"_id_seq").Scan(&seq).Error)
		assert.Equal(t, "public."+table+"_id_seq", seq.Owned, "%s.id owns its sequence", table)
		assert.Equal(t, "integer", seq.DataType, "%s_id_seq is an integer sequence", table)
	}
	assert.Equal(t, map[string]int{
		"public.accounts": 1, "public.sessions": 1, "public.users": 1, "public.verification_requests": 1,
	}, testdb.CreateTableCounts(t, db))
}

// TestAutoMigrateMatchesNextAuthCatalog compares the whole catalog of a
// database made by AutoMigrate with one made by NextAuth.js: NextAuth.js's
// synchronize would find nothing to change.
func TestAutoMigrateMatchesNextAuthCatalog(t *testing.T) {
	t.Parallel()
	ours := testdb.Open(t)
	require.NoError(t, AutoMigrate(context.Background(), ours, Beta73))
	theirs := testdb.Open(t)
	loadNextAuthSchema(t, theirs)

	want := testdb.CatalogDump(t, theirs)
	require.NotEmpty(t, want)
	assert.Equal(t, want, testdb.CatalogDump(t, ours))
}

func TestAutoMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	t.Run("second run", func(t *testing.T) {
		t.Parallel()
		db := testdb.Open(t)
		testdb.InstallDDLLog(t, db)
		require.NoError(t, AutoMigrate(context.Background(), db, Beta73))
		require.NotEmpty(t, testdb.DDLCommands(t, db))
		testdb.Exec(t, db, `TRUNCATE ddl_audit.log`)

		require.NoError(t, AutoMigrate(context.Background(), db, Beta73))
		assert.Empty(t, testdb.DDLCommands(t, db))
	})
	t.Run("NextAuth.js database", func(t *testing.T) {
		t.Parallel()
		db := testdb.Open(t)
		loadNextAuthSchema(t, db)
		testdb.Exec(t, db, readTestdata(t, "nextauth-rows.sql"))
		testdb.InstallDDLLog(t, db)
		before := testdb.CatalogDump(t, db)

		require.NoError(t, AutoMigrate(context.Background(), db, Beta73))
		assert.Empty(t, testdb.DDLCommands(t, db))
		assert.Equal(t, before, testdb.CatalogDump(t, db))
	})
}

// TestGORMAutoMigrateTrap documents why AutoMigrate does not use GORM's:
// on an empty database GORM names the primary keys and unique constraints
// its own way ("users_pkey", "uni_users_email"), so the schema is no longer
// NextAuth.js's byte for byte and gormauth refuses the tables. (NextAuth.js's
// TypeORM 0.2.25 matches primary keys and single-column unique constraints
// by their columns and lets those names pass: nextauth_sync_test.go.) On
// NextAuth.js's own tables, the models are tagged so that GORM issues no DDL.
func TestGORMAutoMigrateTrap(t *testing.T) {
	t.Parallel()
	all := []any{&models.User{}, &models.Account{}, &models.Session{}, &models.VerificationRequest{}}
	t.Run("empty database", func(t *testing.T) {
		t.Parallel()
		db := testdb.Open(t)
		require.NoError(t, db.AutoMigrate(all...))

		err := AutoMigrate(context.Background(), db, Beta73)
		var se *SchemaError
		require.ErrorAs(t, err, &se)
		assert.Contains(t, se.Differences, Difference{
			Kind: IndexRenamed, Table: "users", Column: "email", Index: "UQ_97672ac88f789774dd47f7c8be3",
			Found:    `CONSTRAINT "uni_users_email" UNIQUE (email)`,
			Expected: `CONSTRAINT "UQ_97672ac88f789774dd47f7c8be3" UNIQUE (email)`,
		})
		assert.Contains(t, se.Differences, Difference{
			Kind: IndexRenamed, Table: "users", Column: "id", Index: "PK_a3ffb1c0c8416b9fc6f907b7433",
			Found:    `CONSTRAINT "users_pkey" PRIMARY KEY (id)`,
			Expected: `CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY (id)`,
		})
	})
	t.Run("NextAuth.js database", func(t *testing.T) {
		t.Parallel()
		db := testdb.Open(t)
		loadNextAuthSchema(t, db)
		testdb.InstallDDLLog(t, db)
		require.NoError(t, db.AutoMigrate(all...))
		assert.Empty(t, testdb.DDLCommands(t, db))
	})
}

func TestAutoMigrateUpToDateQueryCount(t *testing.T) {
	t.Parallel()
	counter := &countingLogger{}
	db := testdb.OpenURL(t, testdb.New(t), &gorm.Config{Logger: counter})
	require.NoError(t, AutoMigrate(context.Background(), db, Beta73))
	created := counter.take()
	assert.Len(t, created, 1+1+1+4+3, "check, lock, re-check, 4 tables, 3 indexes: %q", created)

	require.NoError(t, AutoMigrate(context.Background(), db, Beta73))
	stmts := counter.take()
	assert.LessOrEqual(t, len(stmts), 2, "%q", stmts)
	assert.Len(t, stmts, 1, "one catalog query")
}

// TestAutoMigrateConcurrent starts 8 callers at once on an empty database,
// each with its own connection pool, like 8 replicas starting together. The
// last round makes the database's default isolation SERIALIZABLE, under
// which a caller that waited for the lock would not see the tables created
// meanwhile unless AutoMigrate asked for READ COMMITTED.
func TestAutoMigrateConcurrent(t *testing.T) {
	t.Parallel()
	const callers, rounds = 8, 4
	for round := range rounds {
		t.Run(fmt.Sprint("round ", round), func(t *testing.T) {
			dsn := testdb.New(t)
			setup := testdb.OpenURL(t, dsn)
			testdb.InstallDDLLog(t, setup)
			if round == rounds-1 {
				testdb.Exec(t, setup, `DO $$ BEGIN
					EXECUTE format('ALTER DATABASE %I SET default_transaction_isolation = serializable', current_database());
				END $$`)
			}
			dbs := make([]*gorm.DB, callers)
			for i := range dbs {
				dbs[i] = testdb.OpenURL(t, dsn)
			}
			start := make(chan struct{})
			errs := make([]error, callers)
			var wg sync.WaitGroup
			for i, db := range dbs {
				wg.Go(func() {
					<-start
					errs[i] = AutoMigrate(context.Background(), db, Beta73)
				})
			}
			close(start)
			wg.Wait()
			for i, err := range errs {
				assert.NoError(t, err, "caller %d", i)
			}
			assert.Equal(t, map[string]int{
				"public.accounts": 1, "public.sessions": 1, "public.users": 1, "public.verification_requests": 1,
			}, testdb.CreateTableCounts(t, dbs[0]))
			diffs, err := CheckSchema(context.Background(), dbs[0], Beta73)
			require.NoError(t, err)
			assert.Empty(t, diffs)
		})
	}
}

// TestAutoMigrateIncompatible starts from NextAuth.js's tables without
// verification_requests, changes them, and checks that AutoMigrate reports
// exactly what differs and changes nothing, not even the missing table.
func TestAutoMigrateIncompatible(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		setup string
		want  []Difference // all differences except verification_requests missing
	}{
		{
			name:  "column of another type",
			setup: `ALTER TABLE users ALTER COLUMN email TYPE integer USING NULL`,
			want: []Difference{{Kind: ColumnType, Table: "users", Column: "email",
				Found: "integer", Expected: "character varying"}},
		},
		{
			name:  "column with a length",
			setup: `ALTER TABLE sessions ALTER COLUMN session_token TYPE varchar(255)`,
			want: []Difference{{Kind: ColumnType, Table: "sessions", Column: "session_token",
				Found: "character varying(255)", Expected: "character varying"}},
		},
		{
			name:  "missing column",
			setup: `ALTER TABLE users DROP COLUMN image`,
			want: []Difference{{Kind: MissingColumn, Table: "users", Column: "image",
				Expected: "character varying NULL"}},
		},
		{
			name:  "nullable instead of NOT NULL",
			setup: `ALTER TABLE sessions ALTER COLUMN expires DROP NOT NULL`,
			want: []Difference{{Kind: ColumnNullability, Table: "sessions", Column: "expires",
				Found: "NULL", Expected: "NOT NULL"}},
		},
		{
			name:  "another default",
			setup: `ALTER TABLE accounts ALTER COLUMN created SET DEFAULT CURRENT_TIMESTAMP`,
			want: []Difference{{Kind: ColumnDefault, Table: "accounts", Column: "created",
				Found: "DEFAULT CURRENT_TIMESTAMP", Expected: "DEFAULT now()"}},
		},
		{
			name: "identity instead of serial",
			setup: `ALTER TABLE sessions ALTER COLUMN id DROP DEFAULT;
				ALTER TABLE sessions ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY`,
			want: []Difference{{Kind: ColumnDefault, Table: "sessions", Column: "id",
				Found: "GENERATED BY DEFAULT AS IDENTITY", Expected: "DEFAULT nextval('sessions_id_seq'::regclass)"}},
		},
		{
			name:  "unique constraint under GORM's name",
			setup: `ALTER TABLE users RENAME CONSTRAINT "UQ_97672ac88f789774dd47f7c8be3" TO uni_users_email`,
			want: []Difference{{Kind: IndexRenamed, Table: "users", Column: "email", Index: "UQ_97672ac88f789774dd47f7c8be3",
				Found:    `CONSTRAINT "uni_users_email" UNIQUE (email)`,
				Expected: `CONSTRAINT "UQ_97672ac88f789774dd47f7c8be3" UNIQUE (email)`}},
		},
		{
			name:  "primary key under GORM's name",
			setup: `ALTER TABLE accounts RENAME CONSTRAINT "PK_5a7a02c20412299d198e097a8fe" TO accounts_pkey`,
			want: []Difference{{Kind: IndexRenamed, Table: "accounts", Column: "id", Index: "PK_5a7a02c20412299d198e097a8fe",
				Found:    `CONSTRAINT "accounts_pkey" PRIMARY KEY (id)`,
				Expected: `CONSTRAINT "PK_5a7a02c20412299d198e097a8fe" PRIMARY KEY (id)`}},
		},
		{
			name: "unique index instead of unique constraint",
			setup: `ALTER TABLE users DROP CONSTRAINT "UQ_97672ac88f789774dd47f7c8be3";
				CREATE UNIQUE INDEX idx_users_email ON users (email)`,
			want: []Difference{{Kind: IndexRenamed, Table: "users", Column: "email", Index: "UQ_97672ac88f789774dd47f7c8be3",
				Found:    `CREATE UNIQUE INDEX idx_users_email ON public.users USING btree (email)`,
				Expected: `CONSTRAINT "UQ_97672ac88f789774dd47f7c8be3" UNIQUE (email)`}},
		},
		{
			name: "index with the expected name on other columns",
			setup: `DROP INDEX "providerId";
				CREATE INDEX "providerId" ON accounts (provider_id, provider_type)`,
			want: []Difference{{Kind: IndexDefinition, Table: "accounts", Column: "provider_id", Index: "providerId",
				Found:    `CREATE INDEX "providerId" ON public.accounts USING btree (provider_id, provider_type)`,
				Expected: `INDEX "providerId" (provider_id)`}},
		},
		{
			name: "index name taken by another table",
			setup: `DROP INDEX "userId";
				CREATE INDEX "userId" ON sessions (user_id)`,
			want: []Difference{
				{Kind: NameTaken, Table: "accounts", Column: "user_id", Index: "userId",
					Found: `index "userId" on table "sessions"`, Expected: `INDEX "userId" (user_id)`},
				{Kind: ExtraIndex, Table: "sessions", Index: "userId",
					Found: `CREATE INDEX "userId" ON public.sessions USING btree (user_id)`},
			},
		},
		{
			name:  "extra NOT NULL column without default",
			setup: `ALTER TABLE sessions ADD COLUMN tenant text NOT NULL`,
			want: []Difference{{Kind: ExtraRequiredColumn, Table: "sessions", Column: "tenant",
				Found: "text NOT NULL"}},
		},
		{
			name:  "view in place of a table",
			setup: `DROP TABLE users; CREATE VIEW users AS SELECT 1 AS id`,
			want: []Difference{{Kind: NameTaken, Table: "users",
				Found: `view "users"`, Expected: "table users"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := testdb.Open(t)
			loadNextAuthSchema(t, db)
			testdb.Exec(t, db, `DROP TABLE verification_requests;`+tt.setup)
			testdb.InstallDDLLog(t, db)
			before := testdb.CatalogDump(t, db)

			diffs, err := CheckSchema(context.Background(), db, Beta73)
			require.NoError(t, err)
			missing := Difference{Kind: MissingTable, Table: "verification_requests",
				Expected: "table with columns id, identifer, token, expires, created, updated"}
			assert.ElementsMatch(t, append([]Difference{missing}, tt.want...), diffs)

			err = AutoMigrate(context.Background(), db, Beta73)
			var se *SchemaError
			require.ErrorAs(t, err, &se)
			var incompatible []Difference
			for _, d := range tt.want {
				if d.Incompatible() {
					incompatible = append(incompatible, d)
				}
			}
			assert.Equal(t, incompatible, se.Differences)
			assert.Equal(t, "public", se.Schema)
			for _, d := range incompatible {
				for _, part := range []string{d.Table, d.Column, d.Index, d.Found, d.Expected} {
					assert.Contains(t, err.Error(), part)
				}
			}
			assert.Empty(t, testdb.DDLCommands(t, db), "no DDL")
			assert.Equal(t, before, testdb.CatalogDump(t, db), "nothing changed")
		})
	}
}

// TestAutoMigrateCreatesMissingIndexes drops a plain index, a unique
// constraint and a primary key from NextAuth.js's tables holding rows;
// AutoMigrate adds them back under their names and keeps the rows.
func TestAutoMigrateCreatesMissingIndexes(t *testing.T) {
	t.Parallel()
	pristine := testdb.Open(t)
	loadNextAuthSchema(t, pristine)

	db := testdb.Open(t)
	loadNextAuthSchema(t, db)
	testdb.Exec(t, db, readTestdata(t, "nextauth-rows.sql"))
	testdb.Exec(t, db, `
DROP INDEX "userId";
ALTER TABLE sessions DROP CONSTRAINT "UQ_f10db2949bbea55b44f31108e1a";
ALTER TABLE users DROP CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433";
ALTER TABLE users ADD COLUMN nickname text;
CREATE INDEX users_name ON users (name);`)
	rows := tableContents(t, db)
	require.NotEmpty(t, rows["users"])
	testdb.InstallDDLLog(t, db)

	require.NoError(t, AutoMigrate(context.Background(), db, Beta73))
	assert.Equal(t, []string{
		`ALTER TABLE table public.users`, // ADD CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433"
		`CREATE INDEX index public."userId"`,
		`ALTER TABLE table public.sessions`, // ADD CONSTRAINT "UQ_f10db2949bbea55b44f31108e1a"
	}, testdb.DDLCommands(t, db))
	assert.Equal(t, rows, tableContents(t, db), "rows kept")

	diffs, err := CheckSchema(context.Background(), db, Beta73)
	require.NoError(t, err)
	assert.Equal(t, []Difference{
		{Kind: ExtraColumn, Table: "users", Column: "nickname", Found: "text NULL"},
		{Kind: ExtraIndex, Table: "users", Index: "users_name", Found: "CREATE INDEX users_name ON public.users USING btree (name)"},
	}, diffs, "extras are tolerated and kept")
	testdb.Exec(t, db, `ALTER TABLE users DROP COLUMN nickname; DROP INDEX users_name`)
	assert.Equal(t, testdb.CatalogDump(t, pristine), testdb.CatalogDump(t, db))
}

// tableContents returns each table's rows as text, ordered by id.
func tableContents(tb testing.TB, db *gorm.DB) map[string]string {
	tb.Helper()
	contents := map[string]string{}
	for _, table := range []string{"users", "accounts", "sessions", "verification_requests"} {
		var s string
		require.NoError(tb, db.Raw(`SELECT coalesce(string_agg(t::text, E'\n' ORDER BY t.id), '') FROM `+table+` t`).Row().Scan(&s))
		contents[table] = s
	}
	return contents
}

// TestAutoMigrateHostNamingStrategy runs AutoMigrate through a *gorm.DB
// whose naming strategy would call the tables app_user, app_account, …:
// the tables are still NextAuth.js's.
func TestAutoMigrateHostNamingStrategy(t *testing.T) {
	t.Parallel()
	db := testdb.OpenURL(t, testdb.New(t), &gorm.Config{
		NamingStrategy: schema.NamingStrategy{TablePrefix: "app_", SingularTable: true},
	})
	require.NoError(t, AutoMigrate(context.Background(), db, Beta73))
	assert.Equal(t, readSpecFile(t), liveSpecFile(t, db))

	email := "alice@example.com"
	require.NoError(t, db.Create(&models.User{Email: &email}).Error)
	var n int
	require.NoError(t, db.Raw(`SELECT count(*) FROM users WHERE email = ?`, email).Scan(&n).Error)
	assert.Equal(t, 1, n)
}

// TestAutoMigrateInTransaction passes a transaction: AutoMigrate uses a
// savepoint, and rolling the transaction back undoes it.
func TestAutoMigrateInTransaction(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t)
	errRollback := errors.New("roll back")
	err := db.Transaction(func(tx *gorm.DB) error {
		require.NoError(t, AutoMigrate(context.Background(), tx, Beta73))
		diffs, err := CheckSchema(context.Background(), tx, Beta73)
		require.NoError(t, err)
		assert.Empty(t, diffs)
		return errRollback
	})
	require.ErrorIs(t, err, errRollback)
	assert.Empty(t, liveSpecFile(t, db))
}

func TestAutoMigrateContext(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, AutoMigrate(ctx, db, Beta73), context.Canceled)
	assert.ErrorIs(t, AutoMigrate(ctx, db, Beta73), context.Canceled)
	assert.Empty(t, liveSpecFile(t, db))

	require.NoError(t, AutoMigrate(context.Background(), db, Beta73))
	assert.Equal(t, readSpecFile(t), liveSpecFile(t, db))
}

// TestAutoMigrateCurrentSchema creates the tables in the first schema of
// search_path, next to NextAuth.js's tables in public, and fails clearly
// when search_path names no existing schema.
func TestAutoMigrateCurrentSchema(t *testing.T) {
	t.Parallel()
	dsn := testdb.New(t)
	setup := testdb.OpenURL(t, dsn)
	loadNextAuthSchema(t, setup)
	testdb.Exec(t, setup, `ALTER TABLE public.users DROP COLUMN image`)
	testdb.Exec(t, setup, `CREATE SCHEMA auth; CREATE SCHEMA "Mixed Case"`)

	for _, schemaName := range []string{"auth", "Mixed Case"} {
		t.Run(schemaName, func(t *testing.T) {
			db := testdb.OpenURL(t, dsn)
			err := db.Connection(func(conn *gorm.DB) error {
				require.NoError(t, conn.Exec(`SELECT set_config('search_path', ?, false)`, `"`+schemaName+`", public`).Error)
				require.NoError(t, AutoMigrate(context.Background(), conn, Beta73))
				diffs, err := CheckSchema(context.Background(), conn, Beta73)
				require.NoError(t, err)
				assert.Empty(t, diffs)
				assert.Equal(t, readSpecFile(t), liveSpecFile(t, conn))
				return nil
			})
			require.NoError(t, err)
		})
	}

	db := testdb.OpenURL(t, dsn)
	err := db.Connection(func(conn *gorm.DB) error {
		require.NoError(t, conn.Exec(`SET search_path = nowhere`).Error)
		return AutoMigrate(context.Background(), conn, Beta73)
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no current schema")
}

func BenchmarkAutoMigrateUpToDate(b *testing.B) {
	counter := &countingLogger{}
	db := testdb.OpenURL(b, testdb.New(b), &gorm.Config{Logger: counter})
	require.NoError(b, AutoMigrate(context.Background(), db, Beta73))
	counter.take()
	n := 0
	for b.Loop() {
		if err := AutoMigrate(context.Background(), db, Beta73); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(len(counter.take()))/float64(n), "queries/op")
}

// BenchmarkGORMAutoMigrateUpToDate is GORM's own AutoMigrate of the four
// models on tables it made itself, for comparison.
func BenchmarkGORMAutoMigrateUpToDate(b *testing.B) {
	counter := &countingLogger{}
	db := testdb.OpenURL(b, testdb.New(b), &gorm.Config{Logger: counter})
	all := []any{&models.User{}, &models.Account{}, &models.Session{}, &models.VerificationRequest{}}
	require.NoError(b, db.AutoMigrate(all...))
	counter.take()
	n := 0
	for b.Loop() {
		if err := db.AutoMigrate(all...); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(len(counter.take()))/float64(n), "queries/op")
}
