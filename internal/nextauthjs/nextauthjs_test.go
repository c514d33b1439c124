package nextauthjs

import "testing"

func TestURL(t *testing.T) {
	tests := []struct{ dsn, want string }{
		{"postgres://postgres@127.0.0.1:5432/db?sslmode=disable", "postgres://postgres@127.0.0.1:5432/db?sslmode=disable"},
		{"host=127.0.0.1 port=5433 user=alice password='p w' dbname=auth sslmode=disable", "postgres://alice:p%20w@127.0.0.1:5433/auth"},
		{"host=::1 user=bob dbname=x", "postgres://bob@[::1]:5432/x"},
	}
	for _, tt := range tests {
		got, err := URL(tt.dsn)
		if err != nil || got != tt.want {
			t.Errorf("URL(%q) = %q, %v; want %q", tt.dsn, got, err, tt.want)
		}
	}
	if _, err := URL("host='unterminated"); err == nil {
		t.Error("URL of a malformed DSN: no error")
	}
}
