//go:build !unix

package filelock

import "time"

// Lock does nothing where flock is not available: writers still re-read
// and merge, so only two updates in the same instant can race.
func Lock(path string, wait time.Duration) (unlock func(), err error) { return func() {}, nil }
