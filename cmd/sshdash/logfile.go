package main

import (
	"fmt"
	"os"
)

// openLogFile opens sshdash's log for appending, creating it with mode
// 0600. A log that already exists with a wider mode (written by an older
// sshdash, or created by hand) is narrowed to 0600 too: it records host
// names, users and errors, which are nobody else's business.
func openLogFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("log %s: %w", path, err)
	}
	if fi.Mode().Perm() != 0o600 {
		if err := f.Chmod(0o600); err != nil {
			f.Close()
			return nil, fmt.Errorf("log %s: making it private (mode 0600): %w", path, err)
		}
	}
	return f, nil
}
