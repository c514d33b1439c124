package gormauth_test

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gormauth/gormauth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeTime writes t as README's time table does: ISO 8601 in UTC, with
// the digits of the fraction the range ends on, "+" before a year past
// 9999 and "BC" after a year before 1.
func readmeTime(t time.Time) string {
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

// README's table of the times each schema takes says what TimeRange
// returns for each flavour. (beta.73's row depends on Options.Location;
// repository's TestNextAuthTimeRange measures it.)
func TestTimeRangeMatchesREADME(t *testing.T) {
	f, err := os.Open("README.md")
	require.NoError(t, err)
	defer f.Close()
	rows := map[string][2]string{} // schema's first word: earliest, latest
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "| ") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if len(cells) != 4 || !strings.Contains(cells[1], "T00:00:00") {
			continue
		}
		rows[strings.Fields(cells[0])[0]] = [2]string{cells[1], cells[2]}
	}
	require.NoError(t, sc.Err())

	for _, fl := range gormauth.AuthJSFlavours() {
		schema := map[string]string{"prisma": "Prisma", "prisma-v4": "Prisma", "drizzle": "Drizzle",
			"drizzle-docs": "Drizzle", "pg": "pg"}[fl.Name()]
		require.Contains(t, rows, schema, "README's time table has no row for %s", fl.Name())
		first, last := fl.TimeRange()
		assert.Equal(t, [2]string{readmeTime(first), readmeTime(last)}, rows[schema], fl.Name())
	}
}
