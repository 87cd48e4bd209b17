package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Issue 16: opening the settings form in the real dashboard and saving it
// with no edit (ctrl+s) writes nothing: an existing config.toml stays
// byte-identical, an absent one stays absent.
func TestEndToEndSettingsSaveWithoutEdits(t *testing.T) {
	needTmuxE2E(t)
	bin := buildBinary(t)
	for _, existing := range []bool{true, false} {
		t.Run(fmt.Sprintf("existing=%v", existing), func(t *testing.T) {
			dir := t.TempDir()
			cfg := filepath.Join(dir, "ssh_config")
			if err := os.WriteFile(cfg, []byte("Host web\n  HostName 127.0.0.1\n  ServerAliveInterval 42\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			setPath := filepath.Join(dir, "sshdash", "config.toml")
			orig := []byte("# mine\ntheme = \"dark\"   # keep\n\n[[host]]\nmatch = \"db\"\ncount = 5\n")
			if existing {
				if err := os.MkdirAll(filepath.Dir(setPath), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(setPath, orig, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			tm := startTerm(t, e2eEnv(dir), fmt.Sprintf("%s -F %s", bin, cfg))
			tm.waitFor("the host list", "web")
			tm.keys("e")
			tm.waitFor("the form", "Settings · web", "ctrl+s save")
			tm.keys("C-s")
			tm.waitFor("the form closed", "web: nothing changed, nothing saved")
			data, err := os.ReadFile(setPath)
			switch {
			case existing && (err != nil || !bytes.Equal(data, orig)):
				t.Fatalf("config.toml changed (%v):\n%s", err, data)
			case !existing && !os.IsNotExist(err):
				t.Fatalf("config.toml was created (%v):\n%s", err, data)
			}
			tm.keys("q")
			tm.waitFor("exit", "SSHDASH-EXITED=0")
		})
	}
}
