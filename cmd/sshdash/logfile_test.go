package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLogFileMode: a new log is created 0600, and a log left with mode
// 0644 (or wider) becomes 0600 when sshdash opens it, keeping its content;
// newLogger uses XDG_STATE_HOME and writes there.
func TestLogFileMode(t *testing.T) {
	for _, mode := range []os.FileMode{0, 0o644, 0o666, 0o604, 0o600} {
		t.Run(mode.String(), func(t *testing.T) {
			state := t.TempDir()
			dir := filepath.Join(state, "sshdash")
			path := filepath.Join(dir, "sshdash.log")
			if mode != 0 {
				if err := os.MkdirAll(dir, 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte("earlier line\n"), mode); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(path, mode); err != nil {
					t.Fatal(err)
				}
			}
			e, _, _ := cfgTestEnv(map[string]string{"XDG_STATE_HOME": state})
			logger := newLogger(e)
			logger.Info("hello from the test")
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("log mode %v, want 0600", fi.Mode().Perm())
			}
			data, _ := os.ReadFile(path)
			if !strings.Contains(string(data), "hello from the test") {
				t.Errorf("log not written:\n%s", data)
			}
			if mode != 0 && !strings.HasPrefix(string(data), "earlier line\n") {
				t.Errorf("earlier content lost:\n%s", data)
			}
		})
	}
}
