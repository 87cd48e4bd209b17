package record

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// DefaultDir returns where recordings go by default:
// $XDG_STATE_HOME/sshdash/recordings, else
// $HOME/.local/state/sshdash/recordings. getenv reads the environment
// (nil: os.Getenv).
func DefaultDir(getenv func(string) string) (string, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if d := getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "sshdash", "recordings"), nil
	}
	home := getenv("HOME")
	if !filepath.IsAbs(home) {
		h, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("recording directory: %w", err)
		}
		home = h
	}
	return filepath.Join(home, ".local", "state", "sshdash", "recordings"), nil
}

// DefaultPath returns dir/HOST-DATE.cast for a recording of host started at
// t; characters that do not belong in a file name are replaced by '_'.
func DefaultPath(dir, host string, t time.Time) string {
	return filepath.Join(dir, safeName(host)+"-"+t.Format("20060102-150405")+".cast")
}

// rotatedPath returns the name of the n-th continuation of path
// (n ≥ 1): x.cast → x.1.cast, x.2.cast …
func rotatedPath(path string, n int) string {
	if n == 0 {
		return path
	}
	ext := filepath.Ext(path)
	return fmt.Sprintf("%s.%d%s", strings.TrimSuffix(path, ext), n, ext)
}

func safeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' || c == '@'
		if !ok || i == 0 && c == '.' {
			b[i] = '_'
		}
	}
	if len(b) == 0 {
		return "session"
	}
	return string(b)
}
