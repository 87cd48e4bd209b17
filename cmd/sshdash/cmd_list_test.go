package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cfgTestEnv returns an env whose streams are buffers.
func cfgTestEnv(vars map[string]string) (*env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	e := &env{
		stdin:  strings.NewReader(""),
		stdout: &out,
		stderr: &errb,
		getenv: func(k string) string {
			if v, ok := vars[k]; ok {
				return v
			}
			_, home := vars["HOME"]
			if k == "XDG_CONFIG_HOME" && !home {
				// Never the real user's settings file (HOME would fall
				// back to the user's home directory).
				return "/nonexistent/sshdash-test-config"
			}
			return ""
		},
	}
	return e, &out, &errb
}

// writeCfg writes an ssh config into a temporary directory.
func writeCfg(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const listTestConfig = `Host web1
    HostName web1.example.com
    User deploy
    Port 2201
Host db
    ProxyJump bastion
    Bogus line
Host longer-alias-name
    HostName 10.0.0.7
Host *
    User fallback
`

func TestListTable(t *testing.T) {
	path := writeCfg(t, listTestConfig)
	e, out, errb := cfgTestEnv(nil)
	if code := runList([]string{"-F", path}, e); code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errb)
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("output:\n%s", out)
	}
	if !strings.HasPrefix(lines[0], "HOST") || !strings.Contains(lines[0], "PROXYJUMP") {
		t.Errorf("header %q", lines[0])
	}
	// Columns are aligned: USER starts at the same offset on every line.
	col := strings.Index(lines[0], "USER")
	for _, l := range lines[1:] {
		if len(l) <= col || l[col-1] != ' ' || l[col] == ' ' {
			t.Errorf("misaligned line %q (USER at %d)", l, col)
		}
	}
	for _, want := range []string{
		"web1 ", "deploy", "web1.example.com", "2201", path + ":1",
		"db ", "fallback", "bastion", path + ":5",
		"longer-alias-name", "10.0.0.7",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if want := path + `:7: unknown keyword "bogus"`; strings.TrimSpace(errb.String()) != want {
		t.Errorf("stderr = %q, want %q", errb, want)
	}
}

func TestListJSON(t *testing.T) {
	path := writeCfg(t, listTestConfig)
	e, out, _ := cfgTestEnv(nil)
	if code := runList([]string{"--json", "-F", path}, e); code != 0 {
		t.Fatalf("exit %d", code)
	}
	var rows []map[string]any
	if err := json.Unmarshal(out.Bytes(), &rows); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, out)
	}
	if len(rows) != 3 {
		t.Fatalf("rows: %v", rows)
	}
	first := rows[0]
	want := map[string]any{
		"alias": "web1", "user": "deploy", "hostname": "web1.example.com",
		"port": float64(2201), "proxyjump": "", "file": path, "line": float64(1),
	}
	for k, v := range want {
		if first[k] != v {
			t.Errorf("%s = %v, want %v", k, first[k], v)
		}
	}
	if rows[1]["proxyjump"] != "bastion" {
		t.Errorf("db proxyjump = %v", rows[1]["proxyjump"])
	}
}

func TestListEmptyJSONIsArray(t *testing.T) {
	path := writeCfg(t, "# nothing\n")
	e, out, _ := cfgTestEnv(nil)
	if code := runList([]string{"-F", path, "--json"}, e); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if strings.TrimSpace(out.String()) != "[]" {
		t.Errorf("output %q", out)
	}
}

func TestListErrors(t *testing.T) {
	e, _, errb := cfgTestEnv(nil)
	if code := runList([]string{"-F", filepath.Join(t.TempDir(), "missing")}, e); code != 1 {
		t.Errorf("missing -F file: exit %d", code)
	}
	if !strings.Contains(errb.String(), "missing") {
		t.Errorf("stderr %q", errb)
	}
	e, _, errb = cfgTestEnv(nil)
	if code := runList([]string{"--bogus"}, e); code != 2 {
		t.Errorf("unknown flag: exit %d", code)
	}
	if !strings.Contains(errb.String(), "bogus") {
		t.Errorf("stderr %q", errb)
	}
	e, _, _ = cfgTestEnv(nil)
	if code := runList([]string{"extra"}, e); code != 2 {
		t.Errorf("extra argument: exit %d", code)
	}
	e, _, _ = cfgTestEnv(nil)
	if code := runList([]string{"-h"}, e); code != 0 {
		t.Errorf("-h: exit %d", code)
	}
}

// With no hosts, list says where it looked and suggests the demo; --json
// stays an empty array for scripts.
func TestListNoHosts(t *testing.T) {
	cfg := writeCfg(t, "Host *\n  ServerAliveInterval 10\n")
	e, out, errb := cfgTestEnv(nil)
	if code := runList([]string{"-F", cfg}, e); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	for _, s := range []string{"No hosts", cfg, `"sshdash demo"`} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
	missing := filepath.Join(t.TempDir(), "absent")
	var b strings.Builder
	writeNoHosts(&b, []string{missing})
	if !strings.Contains(b.String(), missing+" (not found)") {
		t.Errorf("a missing file is not marked:\n%s", b.String())
	}
	e, out, _ = cfgTestEnv(nil)
	if code := runList([]string{"-F", cfg, "--json"}, e); code != 0 || strings.TrimSpace(out.String()) != "[]" {
		t.Errorf("--json: exit %d, %q", code, out)
	}
}
