package schema

import (
	"strings"
)

// plan is the outcome of comparing the catalog with the expected schema:
// every difference, and the DDL that creates what is missing.
type plan struct {
	schema string // the PostgreSQL schema compared (current_schema())
	name   string // Schema.Name
	diffs  []Difference
	ddl    []string
}

// incompatible returns an *Error holding p's incompatible differences, or
// nil when there are none.
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
	return &Error{Schema: p.schema, Differences: bad, name: p.name}
}

// compare compares cat with s.
func compare(s Schema, cat *catalog) plan {
	p := plan{schema: *cat.Schema, name: s.Name}
	rels := map[string]catalogRelation{}
	for _, r := range cat.Relations {
		rels[r.Name] = r
	}
	var foreignKeys []string // created after every table, which they may reference
	for _, t := range s.Tables {
		c := tableComparison{plan: &p, spec: t, rels: rels, schema: quoteIdent(*cat.Schema) + "." + quoteIdent(t.Name)}
		rel, ok := rels[t.Name]
		switch {
		case !ok:
			c.missingTable()
			for _, fk := range t.ForeignKeys {
				foreignKeys = append(foreignKeys, c.addForeignKeyDDL(fk))
			}
		case rel.Kind != "r" && rel.Kind != "p":
			c.add(Difference{Kind: NameTaken, Found: describeRelation(rel), Expected: "table " + t.Name})
		default:
			c.columns(cat.Columns)
			c.indexes(cat.Indexes)
			foreignKeys = append(foreignKeys, c.constraints(cat.Constraints)...)
		}
	}
	p.ddl = append(p.ddl, foreignKeys...)
	return p
}

// tableComparison compares one table.
type tableComparison struct {
	*plan
	spec   Table
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
	for _, col := range c.spec.Columns {
		if !col.Serial {
			continue
		}
		if r, ok := c.rels[c.spec.sequence(col)]; ok {
			c.add(Difference{Kind: NameTaken, Column: col.Name, Found: describeRelation(r),
				Expected: "no relation called " + c.spec.sequence(col) + " (the " + col.Name + " column's serial creates it)"})
		}
	}
	for _, ix := range c.spec.Indexes {
		if r, ok := c.rels[ix.Name]; ok {
			c.add(Difference{Kind: NameTaken, Index: ix.Name, Column: singleColumn(ix.Columns),
				Found: describeRelation(r), Expected: ix.describe()})
		}
	}
	c.ddl = append(c.ddl, createTableDDL(c.schema, c.spec))
	for _, ix := range c.spec.Indexes {
		if !ix.isConstraint() {
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
			c.add(Difference{Kind: MissingColumn, Column: want.Name, Expected: c.spec.describeColumn(want)})
			continue
		}
		if got.Type != want.Type {
			c.add(Difference{Kind: ColumnType, Column: want.Name, Found: got.Type, Expected: want.Type})
		}
		if got.NotNull == want.Nullable {
			c.add(Difference{Kind: ColumnNullability, Column: want.Name,
				Found: nullability(!got.NotNull), Expected: nullability(want.Nullable)})
		}
		if found, expected := describeDefault(got), orNoDefault(c.spec.columnDefault(want)); found != expected {
			c.add(Difference{Kind: ColumnDefault, Column: want.Name, Found: found, Expected: expected})
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
		if want.Kind == PrimaryKey {
			if i := find(func(l catalogIndex) bool { return l.Primary }); i >= 0 {
				used[i] = true
				c.add(Difference{Kind: IndexDefinition, Index: want.Name, Column: col,
					Found: describeIndex(live[i]), Expected: want.describe()})
				continue
			}
		}
		if want.Optional {
			c.add(Difference{Kind: MissingOptionalIndex, Index: want.Name, Column: col, Expected: want.describe()})
			continue
		}
		c.add(Difference{Kind: MissingIndex, Index: want.Name, Column: col, Expected: want.describe()})
		if want.isConstraint() {
			c.ddl = append(c.ddl, "ALTER TABLE "+c.schema+" ADD "+want.describe())
		} else {
			c.ddl = append(c.ddl, createIndexDDL(c.schema, want))
		}
	}
	for i, l := range live {
		if !used[i] {
			c.add(Difference{Kind: ExtraIndex, Index: l.Name, Found: describeIndex(l)})
		}
	}
}

// constraints compares the check and foreign-key constraints of an existing
// table with its expected foreign keys, and returns the DDL that adds the
// missing ones.
func (c *tableComparison) constraints(all []catalogConstraint) []string {
	var live []catalogConstraint
	for _, con := range all {
		if con.Table == c.spec.Name {
			live = append(live, con)
		}
	}
	used := make([]bool, len(live))
	var ddl []string
	for _, want := range c.spec.ForeignKeys {
		col := singleColumn(want.Columns)
		found := false
		for i, con := range live {
			if used[i] || con.Name != want.Name {
				continue
			}
			used[i], found = true, true
			if con.Type != "f" || con.Definition != want.constraintDef() {
				c.add(Difference{Kind: IndexDefinition, Index: want.Name, Column: col,
					Found: describeConstraint(con), Expected: want.describe()})
			}
			break
		}
		if found {
			continue
		}
		for i, con := range live {
			if !used[i] && con.Type == "f" && con.Definition == want.constraintDef() {
				used[i], found = true, true
				c.add(Difference{Kind: IndexRenamed, Index: want.Name, Column: col,
					Found: describeConstraint(con), Expected: want.describe()})
				break
			}
		}
		if found {
			continue
		}
		c.add(Difference{Kind: MissingForeignKey, Index: want.Name, Column: col, Expected: want.describe()})
		ddl = append(ddl, c.addForeignKeyDDL(want))
	}
	for i, con := range live {
		if !used[i] {
			c.add(Difference{Kind: ExtraConstraint, Index: con.Name, Found: describeConstraint(con)})
		}
	}
	return ddl
}

// addForeignKeyDDL returns the statement that adds fk to the table.
func (c *tableComparison) addForeignKeyDDL(fk ForeignKey) string {
	s := "ALTER TABLE " + c.schema + " ADD CONSTRAINT " + quoteIdent(fk.Name) +
		" FOREIGN KEY (" + quotedList(fk.Columns) + ") REFERENCES " + c.qualified(fk.References) + " (" + quotedList(fk.RefColumns) + ")"
	if fk.OnUpdate != "" {
		s += " ON UPDATE " + fk.OnUpdate
	}
	if fk.OnDelete != "" {
		s += " ON DELETE " + fk.OnDelete
	}
	return s
}

// qualified returns table qualified by the schema compared.
func (c *tableComparison) qualified(table string) string {
	return quoteIdent(c.plan.schema) + "." + quoteIdent(table)
}

// indexMatches reports whether l is want: the same kind of constraint (or
// index) with the same definition. Names are compared by the caller.
func indexMatches(want Index, l catalogIndex) bool {
	switch want.Kind {
	case PrimaryKey:
		return l.Constraint == "p" && l.ConstraintDef != nil && *l.ConstraintDef == want.constraintDef()
	case Unique:
		return l.Constraint == "u" && l.ConstraintDef != nil && *l.ConstraintDef == want.constraintDef()
	case UniqueIndex:
		return l.Constraint == "" && l.Unique && !l.Primary && methodDef(l.IndexDef) == want.methodDef()
	}
	return l.Constraint == "" && !l.Unique && !l.Primary && methodDef(l.IndexDef) == want.methodDef()
}

// sameIndexOtherName reports whether l does what the primary key or unique
// constraint or index want does, whatever its name: the same kind with the
// same definition, or, for uniqueness, a unique constraint or unique index
// on the same columns.
func sameIndexOtherName(want Index, l catalogIndex) bool {
	switch want.Kind {
	case PrimaryKey:
		return indexMatches(want, l)
	case Unique, UniqueIndex:
		return !l.Primary && l.Unique && methodDef(l.IndexDef) == want.methodDef() &&
			(l.Constraint == "" || l.Constraint == "u")
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

// describeConstraint returns a live constraint as DDL-like text.
func describeConstraint(con catalogConstraint) string {
	return "CONSTRAINT " + quoteIdent(con.Name) + " " + con.Definition
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
// columns in the schema's order (a serial column as serial: an integer
// column with the sequence <table>_<column>_seq owned by it), and the
// primary key and unique constraints under their names.
func createTableDDL(qualified string, t Table) string {
	var lines []string
	for _, col := range t.Columns {
		line := "  " + quoteIdent(col.Name) + " "
		if col.Serial {
			line += "serial"
		} else {
			line += col.Type
		}
		if !col.Nullable {
			line += " NOT NULL"
		}
		if col.Default != "" && !col.Serial {
			line += " DEFAULT " + col.Default
		}
		lines = append(lines, line)
	}
	for _, ix := range t.Indexes {
		if ix.isConstraint() {
			lines = append(lines, "  "+ix.describe())
		}
	}
	return "CREATE TABLE " + qualified + " (\n" + strings.Join(lines, ",\n") + "\n)"
}

// createIndexDDL returns the CREATE [UNIQUE] INDEX statement of an index
// that backs no constraint.
func createIndexDDL(qualifiedTable string, ix Index) string {
	create := "CREATE INDEX "
	if ix.Kind == UniqueIndex {
		create = "CREATE UNIQUE INDEX "
	}
	return create + quoteIdent(ix.Name) + " ON " + qualifiedTable + " USING btree (" + quotedList(ix.Columns) + ")"
}
