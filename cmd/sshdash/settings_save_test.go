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

// Issue 16: a form save writes only the fields the user changed. The
// entry gets reattach only, so the host's heartbeat goes on following
// ssh_config's ServerAliveInterval (and a later edit there still takes
// effect); fields an existing entry set are kept.
func TestDashboardSaveWritesOnlyChangedFields(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "ssh_config")
	if err := os.WriteFile(cfgPath, []byte("Host web\n  HostName 127.0.0.1\n  ServerAliveInterval 42\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	setPath := filepath.Join(dir, "sshdash", "config.toml")
	e, _, _ := cfgTestEnv(map[string]string{"XDG_STATE_HOME": filepath.Join(dir, "state"), "HOME": dir})
	a, err := newAppWith(e, cfgPath, setPath)
	if err != nil {
		t.Fatal(err)
	}
	b := newBackend(a) // no session is opened: nothing to close
	// The form shows the effective values (42s from ssh_config) and the
	// user changed only the reattach method.
	hs := ui.HostSettings{Heartbeat: keepalive.Settings{Mode: keepalive.ModeProbe, Interval: 42 * time.Second, Count: 3}, Reattach: "none", Changed: ui.FieldReattach}
	if err := b.SaveHostSettings("web", hs); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(setPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"interval", "mode", "count"} {
		if strings.Contains(string(data), bad+" =") {
			t.Errorf("saved file sets %s, which the user did not change:\n%s", bad, data)
		}
	}
	if !strings.Contains(string(data), `reattach = "none"`) {
		t.Fatalf("saved file lacks the change:\n%s", data)
	}
	var web ui.Host
	for _, h := range b.Hosts() {
		if h.Alias == "web" {
			web = h
		}
	}
	if web.Heartbeat.Interval != 42*time.Second || !strings.HasPrefix(web.HeartbeatSource, "ssh_config") {
		t.Fatalf("heartbeat %v from %q, want 42s from ssh_config", web.Heartbeat, web.HeartbeatSource)
	}
	// A second change (the count) keeps the reattach already saved.
	hs = ui.HostSettings{Heartbeat: keepalive.Settings{Mode: keepalive.ModeProbe, Interval: 42 * time.Second, Count: 5}, Reattach: "auto", Changed: ui.FieldCount}
	if err := b.SaveHostSettings("web", hs); err != nil {
		t.Fatal(err)
	}
	data, _ = os.ReadFile(setPath)
	if !strings.Contains(string(data), `reattach = "none"`) || !strings.Contains(string(data), "count = 5") || strings.Contains(string(data), "interval =") {
		t.Fatalf("second save:\n%s", data)
	}
}
