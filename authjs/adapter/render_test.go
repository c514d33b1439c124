package adapter

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gormauth/gormauth"
)

// The statement templates render each flavour's table and column names,
// and a template naming what render does not know is a programming error,
// caught when the repository is made.
func TestRender(t *testing.T) {
	t.Parallel()
	pg := flavourSQL{f: gormauth.Pg, users: `"users"`, accounts: `"accounts"`}
	assert.Equal(t, `SELECT a."userId" FROM "accounts" a WHERE a."userId" = $1::text::integer`,
		pg.render(`SELECT a.{userId} FROM {accounts} a WHERE a.{userId} = {uid $1}`))
	beta := flavourSQL{f: gormauth.Beta73, accounts: `"accounts"`}
	assert.Equal(t, `SELECT a."user_id", a."provider_account_id" FROM "accounts" a`,
		beta.render(`SELECT a.{userId}, a.{providerAccountId} FROM {accounts} a`))
	assert.Panics(t, func() { pg.render(`SELECT {nonsense here}`) })
	assert.Panics(t, func() { pg.render(`SELECT {userId`) })
	assert.Panics(t, func() { pg.render(`SELECT {readId tokens}`) })
}
