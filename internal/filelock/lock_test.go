//go:build unix

package filelock

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A second Lock waits for the first and gives up with a clear error after
// its wait; once the first is released, the lock is free again.
func TestLockExcludesAndTimesOut(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".f.lock")
	unlock, err := Lock(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Lock(path, 100*time.Millisecond); err == nil || !strings.Contains(err.Error(), "another sshdash has held the lock") {
		t.Fatalf("second lock while held: %v", err)
	}
	unlock()
	unlock2, err := Lock(path, time.Second)
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	unlock2()
}
