//go:build !unix

package settings

// lockFile is a no-op where flock is not available: Save still re-reads
// and merges, so only two saves in the same instant can race.
func lockFile(path string) (unlock func(), err error) { return func() {}, nil }
