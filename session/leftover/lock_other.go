//go:build !unix

package leftover

// lockFile is a no-op where flock is not available: updates still
// re-read the file, so only two in the same instant can race.
func lockFile(path string) (unlock func(), err error) { return func() {}, nil }
