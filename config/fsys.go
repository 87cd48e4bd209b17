package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
)

// fileSystem is the part of the file system the loader uses.
type fileSystem interface {
	// ReadFile reads a whole file; a directory reads as empty.
	ReadFile(name string) ([]byte, error)
	// ReadDir lists a directory's names.
	ReadDir(name string) ([]string, error)
	// Exists reports whether a path exists (not following a final link).
	Exists(name string) bool
	// CheckPerm reports a file ssh refuses to read: not owned by root or
	// the current user, or writable by group or others.
	CheckPerm(name string) error
}

// osFS is the operating system's file system.
type osFS struct{}

// ReadFile implements fileSystem.
func (osFS) ReadFile(name string) ([]byte, error) {
	data, err := os.ReadFile(name)
	if err != nil && errors.Is(err, syscall.EISDIR) {
		return nil, nil // ssh's fopen succeeds and reading yields nothing
	}
	return data, err
}

// ReadDir implements fileSystem.
func (osFS) ReadDir(name string) ([]string, error) {
	d, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return d.Readdirnames(-1)
}

// Exists implements fileSystem.
func (osFS) Exists(name string) bool {
	_, err := os.Lstat(name)
	return err == nil
}

// CheckPerm implements fileSystem with ssh's ownership rule.
func (osFS) CheckPerm(name string) error {
	fi, err := os.Stat(name)
	if err != nil {
		return err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if (st.Uid != 0 && int(st.Uid) != os.Getuid()) || fi.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("bad owner or permissions on %s", name)
	}
	return nil
}

// globTilde expands a leading ~ or ~user in a glob pattern.
func globTilde(pat, home string) (string, error) {
	rest := pat[1:]
	name, tail, _ := strings.Cut(rest, "/")
	if name == "" {
		if tail == "" && !strings.Contains(rest, "/") {
			return home, nil
		}
		return strings.TrimRight(home, "/") + "/" + tail, nil
	}
	dir, err := tildeExpand("~"+name, "")
	if err != nil {
		return "", err
	}
	return strings.TrimRight(dir, "/") + "/" + tail, nil
}

// hasMeta reports whether a glob pattern component has wildcards.
func hasMeta(s string) bool { return strings.ContainsAny(s, "*?[\\") }

// glob matches an absolute pattern as glob(3) does: '*', '?' and '[...]'
// within one path component, never matching a leading '.'; results are
// sorted. A pattern without wildcards matches itself if it exists.
func glob(fsys fileSystem, pattern string) ([]string, error) {
	if !strings.HasPrefix(pattern, "/") {
		// Relative to the working directory (not reached from ssh's
		// anchoring, but kept well-defined).
		pattern = "./" + pattern
	}
	if !hasMeta(pattern) {
		if fsys.Exists(pattern) {
			return []string{pattern}, nil
		}
		return nil, nil
	}
	if _, err := filepath.Match(pattern, ""); err != nil {
		return nil, err
	}
	parts := strings.Split(pattern, "/")
	cur := []string{parts[0]}
	if parts[0] == "" {
		cur = []string{""}
	}
	for i := 1; i < len(parts); i++ {
		comp := parts[i]
		last := i == len(parts)-1
		var next []string
		for _, dir := range cur {
			if !hasMeta(comp) {
				p := dir + "/" + comp
				if comp == "" && !last {
					next = append(next, dir)
					continue
				}
				if last && !fsys.Exists(p) {
					continue
				}
				next = append(next, p)
				continue
			}
			d := dir
			if d == "" {
				d = "/"
			}
			names, err := fsys.ReadDir(d)
			if err != nil {
				continue
			}
			sort.Strings(names)
			for _, n := range names {
				if strings.HasPrefix(n, ".") && !strings.HasPrefix(comp, ".") {
					continue
				}
				if ok, _ := filepath.Match(comp, n); ok {
					next = append(next, dir+"/"+n)
				}
			}
		}
		cur = next
		if len(cur) == 0 {
			return nil, nil
		}
	}
	sort.Strings(cur)
	return cur, nil
}
