package models_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gormauth/gormauth/models"
)

func TestCompoundID(t *testing.T) {
	// Test vectors from NEXTAUTH.md.
	tests := []struct{ provider, account, want string }{
		{"github", "12345", "2db75fb4d7a8e3005aca09c643b4e6f40142ddcfc18c675509988c1b111d0dcf"},
		{"google", "117331234567890123456", "d6bc1c91ffe7c0f0adc242aba1c9964b8d13fc46a521c9bf95e82fffd30b7ca0"},
		{"email", "alice@example.com", "889e87fc03d0477823a739f269555750a3fd94dacfd1694589bf2bc4eef07b55"},
		{"twitter", "x:y", "9d6616c6a876973ee9eea0606fc1dd13975255da98605426e2fdbb373ad5450e"},
	}
	for _, tt := range tests {
		t.Run(tt.provider, func(t *testing.T) {
			assert.Equal(t, tt.want, models.CompoundID(tt.provider, tt.account))
		})
	}
}

func TestHashToken(t *testing.T) {
	tests := []struct{ token, secret, want string }{
		{"a1b2c3", "s3cret", "d491d5d9d73fef6b6b704383009989555ff183b34d775857f1d2d3b061143791"},
		{"tok", "", "1a7674eb4ee78df7e1ac439a93c3fa8e3c945784d4dec9fd8e3011738b2f1d62"},
		// The expired sign-in token of testdata/nextauth-rows.json.
		{"expired-token", "s3cret", "ea47d64ed5d913688b477f3b998d5ea21971d5bd1f39117873cf6b65418c715e"},
	}
	for _, tt := range tests {
		t.Run(tt.token, func(t *testing.T) {
			assert.Equal(t, tt.want, models.HashToken(tt.token, tt.secret))
		})
	}
}

func TestConstraintName(t *testing.T) {
	tests := []struct {
		prefix, table string
		columns       []string
		want          string
	}{
		{"UQ", "sessions", []string{"session_token"}, "UQ_f10db2949bbea55b44f31108e1a"},
		{"UQ", "users", []string{"email"}, "UQ_97672ac88f789774dd47f7c8be3"},
		{"PK", "users", []string{"id"}, "PK_a3ffb1c0c8416b9fc6f907b7433"},
		{"PK", "accounts", []string{"id"}, "PK_5a7a02c20412299d198e097a8fe"},
		{"UQ", "accounts", []string{"compound_id"}, "UQ_95843cea26fc65b1a9d9b6e1d2b"},
		{"PK", "sessions", []string{"id"}, "PK_3238ef96f18b355b671619111bc"},
		{"UQ", "sessions", []string{"access_token"}, "UQ_b02a7acc05fe8194bed8433cf25"},
		{"PK", "verification_requests", []string{"id"}, "PK_c5d405ea25e8abd5b0b096a4f6f"},
		{"UQ", "verification_requests", []string{"token"}, "UQ_77287cef70a4627091ae6d19c4d"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, models.ConstraintName(tt.prefix, tt.table, tt.columns...))
		})
	}
}
