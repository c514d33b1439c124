package gormauth

import (
	"strings"
)

// plan is the outcome of comparing the catalog with the expected schema:
// every difference, and the DDL that creates what is missing.
type plan struct {
	schema string
	diffs  []Difference
	ddl    []string
}

// incompatible returns a *SchemaError holding p's incompatible differences,
// or nil when there are none.
func (p plan) incompatible() error {
	var bad []Difference
	for _, d := range p.diffs {
		if d.Incompatible() {
			bad = append(bad, d)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return &SchemaError{Schema: p.schema, Differences: bad}
}

// compare compares cat with spec.
func compare(spec []specTable, cat *catalog) plan {
	p := plan{schema: *cat.Schema}
	rels := map[string]catalogRelation{}
	for _, r := range cat.Relations {
		rels[r.Name] = r
	}
	for _, t := range spec {
		c := tableComparison{plan: &p, spec: t, rels: rels, schema: quoteIdent(*cat.Schema) + "." + quoteIdent(t.Name)}
		rel, ok := rels[t.Name]
		switch {
		case !ok:
			c.missingTable()
		case rel.Kind != "r" && rel.Kind != "p":
			c.add(Difference{Kind: NameTaken, Found: describeRelation(rel), Expected: "table " + t.Name})
		default:
			c.columns(cat.Columns)
			c.indexes(cat.Indexes)
			for _, con := range cat.Constraints {
				if con.Table == t.Name {
					c.add(Difference{Kind: ExtraConstraint, Index: con.Name,
						Found: "CONSTRAINT " + quoteIdent(con.Name) + " " + con.Definition})
				}
			}
		}
	}
	return p
}

// tableComparison compares one table.
type tableComparison struct {
	*plan
	spec   specTable
	rels   map[string]catalogRelation
	schema string // the table's quoted, schema-qualified name, for DDL
}

func (c *tableComparison) add(d Difference) {
	d.Table = c.spec.Name
	c.diffs = append(c.diffs, d)
}

// missingTable reports the table as missing and plans its creation, unless
// a name it would take is held by another relation.
func (c *tableComparison) missingTable() {
	cols := make([]string, len(c.spec.Columns))
	for i, col := range c.spec.Columns {
		cols[i] = col.Name
	}
	c.add(Difference{Kind: MissingTable, Expected: "table with columns " + strings.Join(cols, ", ")})
	if r, ok := c.rels[c.spec.Sequence()]; ok {
		c.add(Difference{Kind: NameTaken, Column: "id", Found: describeRelation(r),
			Expected: "no relation called " + c.spec.Sequence() + " (the id column's serial creates it)"})
	}
	for _, ix := range c.spec.Indexes {
		if r, ok := c.rels[ix.Name]; ok {
			c.add(Difference{Kind: NameTaken, Index: ix.Name, Column: singleColumn(ix.Columns),
				Found: describeRelation(r), Expected: ix.describe()})
		}
	}
	c.ddl = append(c.ddl, createTableDDL(c.schema, c.spec))
	for _, ix := range c.spec.Indexes {
		if ix.Kind == indexPlain {
			c.ddl = append(c.ddl, createIndexDDL(c.schema, ix))
		}
	}
}

// columns compares the columns of an existing table.
func (c *tableComparison) columns(all []catalogColumn) {
	live := map[string]catalogColumn{}
	var order []string
	for _, col := range all {
		if col.Table == c.spec.Name {
			live[col.Name] = col
			order = append(order, col.Name)
		}
	}
	for _, want := range c.spec.Columns {
		got, ok := live[want.Name]
		if !ok {
			c.add(Difference{Kind: MissingColumn, Column: want.Name, Expected: want.describe()})
			continue
		}
		if got.Type != want.Type {
			c.add(Difference{Kind: ColumnType, Column: want.Name, Found: got.Type, Expected: want.Type})
		}
		if got.NotNull == want.Nullable {
			c.add(Difference{Kind: ColumnNullability, Column: want.Name,
				Found: nullability(!got.NotNull), Expected: nullability(want.Nullable)})
		}
		if found := describeDefault(got); found != orNoDefault(want.Default) {
			c.add(Difference{Kind: ColumnDefault, Column: want.Name,
				Found: found, Expected: orNoDefault(want.Default)})
		}
	}
	for _, name := range order {
		if _, ok := c.spec.column(name); ok {
			continue
		}
		got := live[name]
		kind := ExtraColumn
		if got.NotNull && got.Default == nil && got.Identity == "" {
			kind = ExtraRequiredColumn
		}
		found := got.Type + " " + nullability(!got.NotNull)
		if d := describeDefault(got); d != "no default" {
			found += " " + d
		}
		c.add(Difference{Kind: kind, Column: name, Found: found})
	}
}

// indexes compares the indexes of an existing table and plans the creation
// of the missing ones.
func (c *tableComparison) indexes(all []catalogIndex) {
	var live []catalogIndex
	for _, ix := range all {
		if ix.Table == c.spec.Name {
			live = append(live, ix)
		}
	}
	used := make([]bool, len(live))
	find := func(match func(catalogIndex) bool) int {
		for i, l := range live {
			if !used[i] && match(l) {
				return i
			}
		}
		return -1
	}
	for _, want := range c.spec.Indexes {
		col := singleColumn(want.Columns)
		if i := find(func(l catalogIndex) bool { return l.Name == want.Name }); i >= 0 {
			used[i] = true
			if !indexMatches(want, live[i]) {
				c.add(Difference{Kind: IndexDefinition, Index: want.Name, Column: col,
					Found: describeIndex(live[i]), Expected: want.describe()})
			}
			continue
		}
		if r, ok := c.rels[want.Name]; ok {
			c.add(Difference{Kind: NameTaken, Index: want.Name, Column: col,
				Found: describeRelation(r), Expected: want.describe()})
			continue
		}
		if i := find(func(l catalogIndex) bool { return sameIndexOtherName(want, l) }); i >= 0 {
			used[i] = true
			c.add(Difference{Kind: IndexRenamed, Index: want.Name, Column: col,
				Found: describeIndex(live[i]), Expected: want.describe()})
			continue
		}
		if want.Kind == indexPrimary {
			if i := find(func(l catalogIndex) bool { return l.Primary }); i >= 0 {
				used[i] = true
				c.add(Difference{Kind: IndexDefinition, Index: want.Name, Column: col,
					Found: describeIndex(live[i]), Expected: want.describe()})
				continue
			}
		}
		c.add(Difference{Kind: MissingIndex, Index: want.Name, Column: col, Expected: want.describe()})
		if want.Kind == indexPlain {
			c.ddl = append(c.ddl, createIndexDDL(c.schema, want))
		} else {
			c.ddl = append(c.ddl, "ALTER TABLE "+c.schema+" ADD "+want.describe())
		}
	}
	for i, l := range live {
		if !used[i] {
			c.add(Difference{Kind: ExtraIndex, Index: l.Name, Found: describeIndex(l)})
		}
	}
}

// indexMatches reports whether l is want: the same kind of constraint (or a
// plain index) with the same definition. Names are compared by the caller.
func indexMatches(want specIndex, l catalogIndex) bool {
	switch want.Kind {
	case indexPrimary:
		return l.Constraint == "p" && l.ConstraintDef != nil && *l.ConstraintDef == want.constraintDef()
	case indexUnique:
		return l.Constraint == "u" && l.ConstraintDef != nil && *l.ConstraintDef == want.constraintDef()
	}
	return l.Constraint == "" && !l.Unique && !l.Primary && methodDef(l.IndexDef) == want.methodDef()
}

// sameIndexOtherName reports whether l does what the primary key or unique
// constraint want does, whatever its name: a constraint with the same
// definition, or (for a unique constraint) a unique index on the same
// columns.
func sameIndexOtherName(want specIndex, l catalogIndex) bool {
	switch want.Kind {
	case indexPrimary:
		return indexMatches(want, l)
	case indexUnique:
		return indexMatches(want, l) ||
			l.Constraint == "" && l.Unique && !l.Primary && methodDef(l.IndexDef) == want.methodDef()
	}
	return false
}

// methodDef returns what follows " USING " in pg_get_indexdef's output,
// such as "btree (user_id)": the method, the key columns or expressions with
// their operator classes and order, and any INCLUDE, NULLS NOT DISTINCT,
// WITH, TABLESPACE and WHERE clauses.
func methodDef(indexDef string) string {
	if i := strings.LastIndex(indexDef, " USING "); i >= 0 {
		return indexDef[i+len(" USING "):]
	}
	return indexDef
}

// describeIndex returns a live index as DDL-like text, for messages.
func describeIndex(l catalogIndex) string {
	if l.ConstraintDef != nil {
		return "CONSTRAINT " + quoteIdent(l.Name) + " " + *l.ConstraintDef
	}
	return l.IndexDef
}

// describeRelation names a relation and what it is, for messages.
func describeRelation(r catalogRelation) string {
	kinds := map[string]string{
		"r": "table", "p": "partitioned table", "i": "index", "I": "partitioned index",
		"S": "sequence", "v": "view", "m": "materialized view", "f": "foreign table",
		"c": "composite type", "t": "TOAST table",
	}
	kind, ok := kinds[r.Kind]
	if !ok {
		kind = "relation (relkind " + r.Kind + ")"
	}
	s := kind + " " + quoteIdent(r.Name)
	if r.Table != nil {
		s += " on table " + quoteIdent(*r.Table)
	}
	return s
}

// describeDefault returns a live column's default as DDL-like text, or "no
// default".
func describeDefault(col catalogColumn) string {
	switch {
	case col.Identity == "a":
		return "GENERATED ALWAYS AS IDENTITY"
	case col.Identity == "d":
		return "GENERATED BY DEFAULT AS IDENTITY"
	case col.Generated != "" && col.Default != nil:
		return "GENERATED ALWAYS AS (" + *col.Default + ") STORED"
	case col.Default != nil:
		return "DEFAULT " + *col.Default
	}
	return "no default"
}

func orNoDefault(def string) string {
	if def == "" {
		return "no default"
	}
	return "DEFAULT " + def
}

func nullability(nullable bool) string {
	if nullable {
		return "NULL"
	}
	return "NOT NULL"
}

func singleColumn(cols []string) string {
	if len(cols) == 1 {
		return cols[0]
	}
	return ""
}

// createTableDDL returns the CREATE TABLE statement of t, named qualified:
// columns in the schema's order, the id as serial (an integer column with
// the sequence <table>_id_seq owned by it), and the primary key and unique
// constraints under their TypeORM names.
func createTableDDL(qualified string, t specTable) string {
	var lines []string
	for _, col := range t.Columns {
		line := "  " + quoteIdent(col.Name) + " "
		if col.Default == "nextval('"+t.Sequence()+"'::regclass)" {
			line += "serial"
		} else {
			line += col.Type
		}
		if !col.Nullable {
			line += " NOT NULL"
		}
		if col.Default != "" && !strings.HasPrefix(col.Default, "nextval(") {
			line += " DEFAULT " + col.Default
		}
		lines = append(lines, line)
	}
	for _, ix := range t.Indexes {
		if ix.Kind != indexPlain {
			lines = append(lines, "  "+ix.describe())
		}
	}
	return "CREATE TABLE " + qualified + " (\n" + strings.Join(lines, ",\n") + "\n)"
}

// createIndexDDL returns the CREATE INDEX statement of a plain index.
func createIndexDDL(qualifiedTable string, ix specIndex) string {
	return "CREATE INDEX " + quoteIdent(ix.Name) + " ON " + qualifiedTable + " USING btree (" + identList(ix.Columns) + ")"
}
