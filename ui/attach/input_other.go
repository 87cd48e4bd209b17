//go:build !linux

package attach

import "os"

// openPolled: only Linux opens a terminal again as a new open file
// description through /proc (elsewhere /dev/fd/N duplicates the
// descriptor, and O_NONBLOCK would reach the user's shell); cancelreader
// serves.
func openPolled(*os.File) input { return nil }
