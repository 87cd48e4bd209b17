//go:build !linux

package netwatch

// OpenSource is the OS's network event source: none outside Linux.
func OpenSource() (Source, error) { return nil, ErrUnsupported }
