package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// tagsTestEnv writes an ssh config with a tags comment and a settings file
// with [[host]] tags, and returns list's arguments and environment vars.
func tagsTestEnv(t *testing.T) (cfg string, vars map[string]string) {
	t.Helper()
	cfg = writeCfg(t, `Host db1 db2
    # sshdash: tags=prod,db
    HostName 10.0.0.5
Host web
    HostName 10.0.0.6
Host plain
    # sshdash: tags=oops!
`)
	xdg := t.TempDir()
	if err := os.MkdirAll(filepath.Join(xdg, "sshdash"), 0o700); err != nil {
		t.Fatal(err)
	}
	settingsText := `[[host]]
match = "db1 web"
tags = ["eu", "DB"]
`
	if err := os.WriteFile(filepath.Join(xdg, "sshdash", "config.toml"), []byte(settingsText), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg, map[string]string{"XDG_CONFIG_HOME": xdg, "HOME": t.TempDir()}
}

func TestListJSONTags(t *testing.T) {
	cfg, vars := tagsTestEnv(t)
	e, out, errb := cfgTestEnv(vars)
	if code := runList([]string{"--json", "-F", cfg}, e); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	var rows []struct {
		Alias string    `json:"alias"`
		Tags  *[]string `json:"tags"`
	}
	if err := json.Unmarshal(out.Bytes(), &rows); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, out)
	}
	want := map[string][]string{
		"db1":   {"prod", "db", "eu"}, // comment, then settings; "DB" folded
		"db2":   {"prod", "db"},
		"web":   {"eu", "db"},
		"plain": {},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows %+v", rows)
	}
	for _, r := range rows {
		if r.Tags == nil {
			t.Errorf("%s: tags missing or null (scripts want an array)", r.Alias)
			continue
		}
		if !slices.Equal(*r.Tags, want[r.Alias]) {
			t.Errorf("%s: tags %q, want %q", r.Alias, *r.Tags, want[r.Alias])
		}
	}
	// The bad comment is reported with its place; the listing goes on.
	if !strings.Contains(errb.String(), cfg+`:7: sshdash comment: invalid tags ["oops!"]`) {
		t.Errorf("stderr %q", errb)
	}
}

func TestListTableTags(t *testing.T) {
	cfg, vars := tagsTestEnv(t)
	e, out, errb := cfgTestEnv(vars)
	if code := runList([]string{"-F", cfg}, e); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	col := strings.Index(lines[0], "TAGS")
	if col < 0 || len(lines) != 5 {
		t.Fatalf("output:\n%s", out)
	}
	for _, l := range lines[1:] {
		fields := strings.Fields(l[col:])
		var want string
		switch strings.Fields(l)[0] {
		case "db1":
			want = "prod,db,eu"
		case "db2":
			want = "prod,db"
		case "web":
			want = "eu,db"
		case "plain":
			want = "-"
		}
		if len(fields) == 0 || fields[0] != want {
			t.Errorf("line %q: TAGS %v, want %q", l, fields, want)
		}
	}
}
