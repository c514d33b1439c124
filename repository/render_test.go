package repository

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/models"
)

// The statement templates render each flavour's table and column names,
// and a template naming what render does not know is a programming error,
// caught when the repository is made.
func TestRender(t *testing.T) {
	t.Parallel()
	pg := flavourSQL{f: gormauth.Pg}
	assert.Equal(t, `SELECT a."userId" FROM "accounts" a WHERE a."userId" = $1::text::integer`,
		pg.render(`SELECT a.{userId} FROM {accounts} a WHERE a.{userId} = {uid $1}`))
	beta := flavourSQL{f: gormauth.Beta73}
	assert.Equal(t, `SELECT a."user_id", a."provider_account_id" FROM "accounts" a`,
		beta.render(`SELECT a.{userId}, a.{providerAccountId} FROM {accounts} a`))
	assert.Panics(t, func() { pg.render(`SELECT {nonsense here}`) })
	assert.Panics(t, func() { pg.render(`SELECT {userId`) })
	assert.Panics(t, func() { pg.render(`SELECT {readId tokens}`) })
}

// beta.73's compound_id, made in SQL from the provider account, is
// models.CompoundID's.
func TestRenderCompoundID(t *testing.T) {
	t.Parallel()
	w := flavourSQL{f: gormauth.Beta73}
	expr := strings.TrimSuffix(w.render(`{compoundIdValue}`), ", ")
	require.NotEmpty(t, expr)
	assert.Empty(t, flavourSQL{f: gormauth.Prisma}.render(`{compoundIdValue}`))
	db := testdb.Open(t)
	for _, key := range [][2]string{{"github", "1001"}, {"google", "ä:b"}, {"", ""}} {
		sql := strings.NewReplacer("@provider", "$1", "@account", "$2").Replace(expr)
		var got string
		require.NoError(t, db.Raw(`SELECT `+sql, key[0], key[1]).Row().Scan(&got))
		assert.Equal(t, models.CompoundID(key[0], key[1]), got, key)
	}
}
