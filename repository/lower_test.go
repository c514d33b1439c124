package repository

import "testing"

// The expected values are what node's String.prototype.toLowerCase returns.
func TestLowerJS(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Alice@Example.COM", "alice@example.com"},
		{"İSTANBUL@x.tr", "i\u0307stanbul@x.tr"},
		{"ΟΔΟΣ@x.gr", "οδος@x.gr"},
		{"Σ@x", "σ@x"},
		{"ΣΑΣ.ΣΑΣ@x", "σασ.σας@x"},
		{"AΣ", "aς"},
		{"AΣb", "aσb"},
		{"A\u0301Σ", "a\u0301ς"},
		{"KELVIN\u212a@x", "kelvink@x"},
		{"ǅ@x", "ǆ@x"},
		{"ΑΣ\u0301@x", "ας\u0301@x"},
	}
	for _, tt := range tests {
		if got := lowerJS(tt.in); got != tt.want {
			t.Errorf("lowerJS(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
