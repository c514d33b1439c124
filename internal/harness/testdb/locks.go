package testdb

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"
)

// WaitForLockWait waits until some backend of db's database waits for a
// lock, or done has a value (the operation under test did not wait at
// all), and reports whether a backend waited; in the second case it
// returns what done held. It fails tb if neither happens within 10 seconds.
func WaitForLockWait(tb testing.TB, db *gorm.DB, done <-chan error) (waited bool, early error) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			return false, err
		default:
		}
		var n int64
		require.NoError(tb, db.Raw(`SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&n).Error)
		if n > 0 {
			return true, nil
		}
		time.Sleep(5 * time.Millisecond)
	}
	tb.Fatal("the operation neither finished nor waited for a lock")
	return false, nil
}
