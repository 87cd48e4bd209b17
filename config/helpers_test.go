package config

import (
	"errors"
	"io/fs"
	"sort"
	"strings"
	"testing"
)

// memFS is an in-memory file system for tests: file path -> content.
// Directories exist implicitly. Paths under /badperm/ fail CheckPerm.
type memFS map[string]string

func (m memFS) isDir(name string) bool {
	prefix := strings.TrimSuffix(name, "/") + "/"
	for p := range m {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}

func (m memFS) ReadFile(name string) ([]byte, error) {
	if v, ok := m[name]; ok {
		return []byte(v), nil
	}
	if m.isDir(name) {
		return nil, nil
	}
	return nil, fs.ErrNotExist
}

func (m memFS) ReadDir(name string) ([]string, error) {
	prefix := strings.TrimSuffix(name, "/") + "/"
	seen := map[string]bool{}
	var out []string
	for p := range m {
		if !strings.HasPrefix(p, prefix) {
			continue
		}
		child, _, _ := strings.Cut(p[len(prefix):], "/")
		if child != "" && !seen[child] {
			seen[child] = true
			out = append(out, child)
		}
	}
	if len(out) == 0 {
		return nil, fs.ErrNotExist
	}
	sort.Strings(out)
	return out, nil
}

func (m memFS) Exists(name string) bool {
	_, ok := m[name]
	return ok || m.isDir(name)
}

func (m memFS) CheckPerm(name string) error {
	if strings.HasPrefix(name, "/badperm/") {
		return errors.New("bad owner or permissions on " + name)
	}
	return nil
}

// testEnv is the environment tests see.
func testEnv(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := vars[k]
		return v, ok
	}
}

// memOptions returns LoadOptions reading only files, with a fixed local
// side: user "me", home /home/me, host name "box.example.org", uid 1000.
func memOptions(files memFS) LoadOptions {
	return LoadOptions{
		UserFile:   "/home/me/.ssh/config",
		SystemFile: "/etc/ssh/ssh_config",
		Home:       "/home/me",
		LocalUser:  "me",
		Hostname:   "box.example.org",
		UID:        "1000",
		LookupEnv:  testEnv(map[string]string{"HOME": "/home/me", "TESTVAR": "tv"}),
		fsys:       files,
	}
}

// loadMem loads files with "/home/me/.ssh/config" as the user file.
func loadMem(t testing.TB, files memFS) *Config {
	t.Helper()
	c, err := Load(memOptions(files))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

// loadText loads one user configuration file.
func loadText(t testing.TB, text string) *Config {
	t.Helper()
	return loadMem(t, memFS{"/home/me/.ssh/config": text})
}

// resolve resolves host, failing the test on error.
func resolve(t testing.TB, c *Config, host string) *Resolved {
	t.Helper()
	r, err := c.Resolve(host, ResolveOptions{})
	if err != nil {
		t.Fatalf("Resolve(%q): %v", host, err)
	}
	return r
}

// errorStrings formats a Config's errors.
func errorStrings(c *Config) []string {
	var out []string
	for _, e := range c.Errors() {
		out = append(out, e.Error())
	}
	return out
}

func aliases(c *Config) []string {
	var out []string
	for _, h := range c.Hosts() {
		out = append(out, h.Alias)
	}
	return out
}
