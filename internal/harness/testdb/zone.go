package testdb

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// zoneChildEnv names the test a child process of InZone runs.
const zoneChildEnv = "GORMAUTH_TEST_ZONE_CHILD"

// InZone runs the calling test (or subtest) again in a child process whose
// local time zone (TZ) is zone, against this run's server, and reports
// whether the caller is that child:
//
//	func TestSomething(t *testing.T) {
//		if !testdb.InZone(t, "Asia/Tokyo") {
//			return // the child ran the test, and passed
//		}
//		… // time.Local is Tokyo here
//	}
//
// In the parent it waits for the child and fails t with the child's output
// if the child fails or runs no test. Setting TZ on a process of its own is
// the robust way to change time.Local: assigning time.Local in this process
// would race with every goroutine reading it and could leak into other
// tests.
func InZone(t *testing.T, zone string) bool {
	t.Helper()
	if os.Getenv(zoneChildEnv) == t.Name() {
		want, err := time.LoadLocation(zone)
		require.NoError(t, err)
		at := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
		_, got := at.In(time.Local).Zone()
		_, wantOff := at.In(want).Zone()
		require.Equal(t, wantOff, got, "the child process must have TZ=%s", zone)
		return true
	}
	if admin == nil {
		t.Fatal("testdb: call testdb.Main(m) from TestMain")
	}
	var run []string // ^TestX$/^Sub$: this test alone
	for _, name := range strings.Split(t.Name(), "/") {
		run = append(run, "^"+regexp.QuoteMeta(name)+"$")
	}
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run="+strings.Join(run, "/"), "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), "TZ="+zone, zoneChildEnv+"="+t.Name(), EnvURL+"="+adminURL)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "the run with TZ=%s failed:\n%s", zone, out)
	require.True(t, strings.Contains(string(out), "--- PASS: "+t.Name()+" "), "the run with TZ=%s ran no test:\n%s", zone, out)
	t.Logf("passed in a process with TZ=%s", zone)
	return false
}
