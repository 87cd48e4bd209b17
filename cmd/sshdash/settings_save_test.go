package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sshdash/sshdash/keepalive"
	"github.com/sshdash/sshdash/ui"
)

// TestDashboardSaveKeepsHandEdit is issue 13's reproduction through the
// dashboard's backend: the dashboard has the settings loaded, the file is
// edited by hand, then the form saves. The hand edit stays, the form's
// entry is written, and the dashboard's hosts show the saved value.
func TestDashboardSaveKeepsHandEdit(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "ssh_config")
	if err := os.WriteFile(cfgPath, []byte("Host web\n  HostName 127.0.0.1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	setPath := filepath.Join(dir, "sshdash", "config.toml")
	if err := os.MkdirAll(filepath.Dir(setPath), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(setPath, []byte("theme = \"dark\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e, _, _ := cfgTestEnv(map[string]string{"XDG_STATE_HOME": filepath.Join(dir, "state"), "HOME": dir})
	a, err := newAppWith(e, cfgPath, setPath)
	if err != nil {
		t.Fatal(err)
	}
	defer a.mgr.CloseAll(context.Background())
	b := newBackend(a)

	hand := "theme = \"light\" # by hand, while the dashboard was open\n\n[[host]]\nmatch = \"db\"\ncount = 5\n"
	if err := os.WriteFile(setPath, []byte(hand), 0o600); err != nil {
		t.Fatal(err)
	}
	hs := ui.HostSettings{Heartbeat: keepalive.Settings{Mode: keepalive.ModeNoop, Interval: 7 * time.Second, Count: 2}, Reattach: "none"}
	if err := b.SaveHostSettings("web", hs); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(setPath)
	if err != nil {
		t.Fatal(err)
	}
	got := string(data)
	for _, want := range []string{"# by hand, while the dashboard was open", `match = "db"`, "count = 5", `match = "web"`, `interval = "7s"`} {
		if !strings.Contains(got, want) {
			t.Errorf("saved file lacks %q:\n%s", want, got)
		}
	}
	if h, ok := a.settings.Host("db"); !ok || h.Count != 5 {
		t.Errorf("the dashboard's settings miss the hand-added entry: %+v %v", h, ok)
	}
}
