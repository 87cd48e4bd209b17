package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sshdash/sshdash/ui"
)

// The settings form's tags go to the settings file's [[host]] entry, never
// to ssh_config (whose "# sshdash: tags=" comment stays the only place
// its tags come from); the dashboard's host then has both, and the
// ssh_config tags are marked as such. A save with other fields only
// leaves the tags alone; clearing them removes the key.
func TestDashboardSaveTags(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "ssh_config")
	cfgText := "Host web\n  # sshdash: tags=fromcfg\n  HostName 127.0.0.1\n"
	if err := os.WriteFile(cfgPath, []byte(cfgText), 0o600); err != nil {
		t.Fatal(err)
	}
	setPath := filepath.Join(dir, "sshdash", "config.toml")
	e, _, _ := cfgTestEnv(map[string]string{"XDG_STATE_HOME": filepath.Join(dir, "state"), "HOME": dir})
	a, err := newAppWith(e, cfgPath, setPath)
	if err != nil {
		t.Fatal(err)
	}
	defer a.mgr.CloseAll(context.Background())
	b := newBackend(a)
	web := func() ui.Host {
		for _, h := range b.Hosts() {
			if h.Alias == "web" {
				return h
			}
		}
		t.Fatal("no host web")
		return ui.Host{}
	}
	if h := web(); !slices.Equal(h.ConfigTags, []string{"fromcfg"}) {
		t.Fatalf("ConfigTags %q", h.ConfigTags)
	}
	if err := b.SaveHostSettings("web", ui.HostSettings{Reattach: "auto", Tags: []string{"prod", "db"}, Changed: ui.FieldTags}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(setPath)
	if !strings.Contains(string(data), `tags = ["prod", "db"]`) || strings.Contains(string(data), "reattach") {
		t.Fatalf("settings file:\n%s", data)
	}
	if got, _ := os.ReadFile(cfgPath); string(got) != cfgText {
		t.Fatalf("ssh_config was changed:\n%s", got)
	}
	if h := web(); !slices.Equal(h.Tags, []string{"fromcfg", "prod", "db"}) {
		t.Fatalf("the host's tags after saving: %q", h.Tags)
	}
	// Another field only: the tags stay.
	if err := b.SaveHostSettings("web", ui.HostSettings{Reattach: "none", Changed: ui.FieldReattach}); err != nil {
		t.Fatal(err)
	}
	data, _ = os.ReadFile(setPath)
	if !strings.Contains(string(data), `tags = ["prod", "db"]`) || !strings.Contains(string(data), `reattach = "none"`) {
		t.Fatalf("after a reattach-only save:\n%s", data)
	}
	// Cleared: the key goes, the entry with its reattach stays.
	if err := b.SaveHostSettings("web", ui.HostSettings{Reattach: "none", Changed: ui.FieldTags}); err != nil {
		t.Fatal(err)
	}
	data, _ = os.ReadFile(setPath)
	if strings.Contains(string(data), "tags") || !strings.Contains(string(data), `reattach = "none"`) {
		t.Fatalf("after clearing the tags:\n%s", data)
	}
	if h := web(); !slices.Equal(h.Tags, []string{"fromcfg"}) {
		t.Fatalf("the host's tags after clearing: %q", h.Tags)
	}
}
