package gormauth_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gormauth/gormauth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// docTime writes t as TimeRange's documentation does: ISO 8601 in UTC, with
// the digits of the fraction the range ends on, "+" before a year past
// 9999 and "BC" after a year before 1.
func docTime(t time.Time) string {
	t = t.UTC()
	s := t.Format("-01-02T15:04:05.999999999Z")
	switch y := t.Year(); {
	case y < 1:
		return fmt.Sprintf("%04d%s BC", 1-y, s)
	case y > 9999:
		return fmt.Sprintf("+%d%s", y, s)
	default:
		return fmt.Sprintf("%04d%s", y, s)
	}
}

// TimeRange's documentation states the range of each Auth.js schema
// (README's limits table points to it): what it says is what TimeRange
// returns. (beta.73's range depends on Options.Location; repository's
// TestNextAuthTimeRange measures it.)
func TestTimeRangeMatchesDoc(t *testing.T) {
	src, err := os.ReadFile("flavour.go")
	require.NoError(t, err)
	var doc strings.Builder
	inDoc := false
	for _, line := range strings.Split(string(src), "\n") {
		switch {
		case strings.HasPrefix(line, "// TimeRange returns"):
			inDoc = true
		case !strings.HasPrefix(line, "//"):
			inDoc = false
		}
		if inDoc {
			doc.WriteString(strings.TrimPrefix(line, "//"))
		}
	}
	text := strings.Join(strings.Fields(doc.String()), " ")
	require.NotEmpty(t, text, "no doc comment on TimeRange")
	for _, fl := range gormauth.AuthJSFlavours() {
		schema := map[string]string{"prisma": "Prisma", "prisma-v4": "Prisma", "drizzle": "Drizzle",
			"drizzle-docs": "Drizzle", "pg": "pg"}[fl.Name()]
		first, last := fl.TimeRange()
		assert.Contains(t, text, schema+": "+docTime(first)+" to "+docTime(last), fl.Name())
	}
}
