package repository

import "reflect"

// The statements the benchmarks' hand-written pgx floor sends, exactly as
// the repository sends them for its flavour, and the names of the
// parameters of those that take named ones, in order.

func SessionWithUserSQL(r *Repository) string { return r.core.q.sessionWithUser }

func SignInLinkedSQL(r *Repository) (string, []string) {
	return r.core.q.signInLinked.sql, r.core.q.signInLinked.names
}

func CreateSessionSQL(r *Repository) (string, []string) {
	return r.core.q.createSession.sql, r.core.q.createSession.names
}

// AccountLockKey is the key of the advisory lock the repository takes for
// the provider account, for tests that hold it.
func AccountLockKey(provider, account string) string {
	return accountLock(AccountKey{provider, account})
}

// Statements returns every statement of r's flavour by its field name,
// with named parameters already positional; those the flavour has no use
// for (empty) are left out.
func Statements(r *Repository) map[string]string { return statementsByName(r.core.q) }

func statementsByName(q statements) map[string]string {
	out := map[string]string{}
	v := reflect.ValueOf(q)
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			if f.String() != "" {
				out[v.Type().Field(i).Name] = f.String()
			}
		case reflect.Struct:
			out[v.Type().Field(i).Name] = f.FieldByName("sql").String()
		default:
			panic("repository.Statements: a field of statements is neither SQL nor a stmt: " + v.Type().Field(i).Name)
		}
	}
	return out
}

// StatementNames returns the names of the parameters of r's statement
// field (one that takes named parameters), in order ($1, $2, …).
func StatementNames(r *Repository, field string) []string {
	q := r.core.q
	return map[string]stmt{
		"createUser": q.createUser, "verifyUser": q.verifyUser, "linkAccount": q.linkAccount,
		"createSession": q.createSession, "extendSession": q.extendSession, "signInLinked": q.signInLinked,
		"insertToken": q.insertToken,
	}[field].names
}

// EmailLockKey is the key of the advisory lock the repository takes for
// the address in the email sign-in flows.
func EmailLockKey(email string) string { return emailLock(email) }
