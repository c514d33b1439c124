package schema

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A table with a serial id, a unique constraint, a unique index, a plain
// index and a foreign key, with names that PostgreSQL shows quoted.
var testTable = Table{
	Name: "Session",
	Columns: []Column{
		{Name: "id", Type: "integer", Serial: true},
		{Name: "userId", Type: "text"},
		{Name: "user", Type: "text", Nullable: true},
		{Name: "created", Type: "timestamp(3) without time zone", Default: "CURRENT_TIMESTAMP"},
	},
	Indexes: []Index{
		{Name: "Session_pkey", Columns: []string{"id"}, Kind: PrimaryKey},
		{Name: "Session_user_key", Columns: []string{"user"}, Kind: Unique},
		{Name: "Session_userId_key", Columns: []string{"userId"}, Kind: UniqueIndex},
		{Name: "userId", Columns: []string{"userId", "created"}},
	},
	ForeignKeys: []ForeignKey{
		{Name: "Session_userId_fkey", Columns: []string{"userId"}, References: "User", RefColumns: []string{"id"}, OnDelete: "CASCADE", OnUpdate: "CASCADE"},
	},
}

func TestCreateTableDDL(t *testing.T) {
	t.Parallel()
	assert.Equal(t, `CREATE TABLE "public"."Session" (
  "id" serial NOT NULL,
  "userId" text NOT NULL,
  "user" text,
  "created" timestamp(3) without time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "Session_pkey" PRIMARY KEY (id),
  CONSTRAINT "Session_user_key" UNIQUE ("user")
)`, createTableDDL(`"public"."Session"`, testTable))
	assert.Equal(t, `CREATE UNIQUE INDEX "Session_userId_key" ON "public"."Session" USING btree ("userId")`,
		createIndexDDL(`"public"."Session"`, testTable.Indexes[2]))
	assert.Equal(t, `CREATE INDEX "userId" ON "public"."Session" USING btree ("userId", "created")`,
		createIndexDDL(`"public"."Session"`, testTable.Indexes[3]))
}

func TestDefinitionsAsPostgreSQLShowsThem(t *testing.T) {
	t.Parallel()
	assert.Equal(t, `FOREIGN KEY ("userId") REFERENCES "User"(id) ON UPDATE CASCADE ON DELETE CASCADE`, testTable.ForeignKeys[0].constraintDef())
	assert.Equal(t, `UNIQUE ("user")`, testTable.Indexes[1].constraintDef(), "a key word is quoted")
	assert.Equal(t, `btree ("userId", created)`, testTable.Indexes[3].methodDef())
	assert.Equal(t, `nextval('Session_id_seq'::regclass)`, testTable.columnDefault(testTable.Columns[0]))
	assert.Equal(t, []string{"Session", "Session_id_seq", "Session_pkey", "Session_user_key", "Session_userId_key", "userId"}, testTable.names())
}
