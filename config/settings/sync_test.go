package settings

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sshdash/sshdash/internal/filelock"
	"github.com/sshdash/sshdash/keepalive"
)

// watchdog fails the test with every goroutine's stack if it is still
// running after d.
func watchdog(t *testing.T, d time.Duration) {
	t.Helper()
	timer := time.AfterFunc(d, func() {
		var b strings.Builder
		pprof.Lookup("goroutine").WriteTo(&b, 2)
		panic(fmt.Sprintf("%s: still running after %v\n%s", t.Name(), d, b.String()))
	})
	t.Cleanup(func() { timer.Stop() })
}

func writeFile(t *testing.T, path, text string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func mustLoad(t *testing.T, path string) *File {
	t.Helper()
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestSaveKeepsHandEdit is issue 13's reproduction: with the dashboard
// open (the File loaded), config.toml is edited by hand, then the form
// saves. The hand edits (a changed theme, a new entry, a comment) stay,
// the form's entry is written, and f now holds the merged file.
func TestSaveKeepsHandEdit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	writeFile(t, path, handWritten, 0o600)
	f := mustLoad(t, path)

	hand := strings.Replace(handWritten, `theme = "light"`, `theme = "dark" # changed by hand`, 1) +
		"\n# added by hand\n[[host]]\nmatch = \"hand\"\ncount = 9\n"
	writeFile(t, path, hand, 0o600)

	if err := f.SetHost(Host{Match: "web1", Mode: keepalive.ModeOff}); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(""); err != nil {
		t.Fatal(err)
	}
	got := readFile(t, path)
	for _, want := range []string{`theme = "dark" # changed by hand`, "# added by hand", `match = "hand"`, "count = 9", `# count comes later`} {
		if !strings.Contains(got, want) {
			t.Errorf("hand edit %q lost:\n%s", want, got)
		}
	}
	g := mustLoad(t, path)
	if h, ok := g.Host("web1"); !ok || h.Mode != keepalive.ModeOff || h.Reattach != "" {
		t.Errorf("form's entry reads back as %+v, %v", h, ok)
	}
	if h, ok := g.Host("hand"); !ok || h.Count != 9 {
		t.Errorf("hand entry reads back as %+v, %v", h, ok)
	}
	if f.Theme() != "dark" || string(f.Bytes()) != got {
		t.Errorf("f does not hold the merged file: theme %q", f.Theme())
	}

	// A second save with no further change writes the same; a later hand
	// edit is again kept (the base moved to what was saved).
	writeFile(t, path, got+"\n# second hand edit\n", 0o600)
	if err := f.SetHost(Host{Match: "db-*", Count: 3}); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(""); err != nil {
		t.Fatal(err)
	}
	got = readFile(t, path)
	if !strings.Contains(got, "# second hand edit") || !strings.Contains(got, "count = 3") {
		t.Errorf("second save:\n%s", got)
	}
}

// TestSaveRefusesUnmergeable: the file now holds invalid TOML; Save says
// so, writes nothing (the hand-edited file is untouched) and leaves f as
// it was, so the user can fix the file and save again.
func TestSaveRefusesUnmergeable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	writeFile(t, path, handWritten, 0o600)
	f := mustLoad(t, path)
	broken := handWritten + "\n[[host]\nmatch = \n"
	writeFile(t, path, broken, 0o600)
	if err := f.SetHost(Host{Match: "web1", Mode: keepalive.ModeOff}); err != nil {
		t.Fatal(err)
	}
	err := f.Save("")
	if err == nil || !strings.Contains(err.Error(), "changed since sshdash read it") || !strings.Contains(err.Error(), "nothing was saved") {
		t.Fatalf("Save: %v", err)
	}
	if got := readFile(t, path); got != broken {
		t.Errorf("file rewritten:\n%s", got)
	}
	// Fixed by hand: the same File saves, merging.
	writeFile(t, path, handWritten+"\n# fixed\n", 0o600)
	if err := f.Save(""); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, path); !strings.Contains(got, "# fixed") || !strings.Contains(got, `mode = "off"`) {
		t.Errorf("after fixing:\n%s", got)
	}
}

// TestSaveDeletedFile: the file was removed by hand after loading; Save
// creates it with this File's edits on an empty file.
func TestSaveDeletedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	writeFile(t, path, handWritten, 0o600)
	f := mustLoad(t, path)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := f.SetHost(Host{Match: "x", Count: 2}); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(""); err != nil {
		t.Fatal(err)
	}
	g := mustLoad(t, path)
	if hs := g.Hosts(); len(hs) != 1 || hs[0].Match != "x" || g.Theme() != DefaultTheme {
		t.Errorf("recreated file:\n%s", g.Bytes())
	}
}

// TestSaveTwoInstances: two sshdash instances loaded the same file; each
// saves its own entry. Neither loses the other's, one after the other or
// all at once (the lock serializes them).
func TestSaveTwoInstances(t *testing.T) {
	watchdog(t, 60*time.Second)
	path := filepath.Join(t.TempDir(), "config.toml")
	writeFile(t, path, handWritten, 0o600)
	a, b := mustLoad(t, path), mustLoad(t, path)
	if err := a.SetHost(Host{Match: "from-a", Count: 1}); err != nil {
		t.Fatal(err)
	}
	if err := b.SetHost(Host{Match: "from-b", Count: 2}); err != nil {
		t.Fatal(err)
	}
	if err := a.Save(""); err != nil {
		t.Fatal(err)
	}
	if err := b.Save(""); err != nil {
		t.Fatal(err)
	}
	g := mustLoad(t, path)
	for _, m := range []string{"from-a", "from-b", "db-*", "web1"} {
		if _, ok := g.Host(m); !ok {
			t.Errorf("entry %s lost:\n%s", m, g.Bytes())
		}
	}

	const n = 16
	files := make([]*File, n)
	for i := range files {
		files[i] = mustLoad(t, path)
		if err := files[i].SetHost(Host{Match: fmt.Sprintf("c%d", i), Count: i + 1}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for _, f := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- f.Save("")
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	g = mustLoad(t, path)
	for i := range n {
		if h, ok := g.Host(fmt.Sprintf("c%d", i)); !ok || h.Count != i+1 {
			t.Errorf("concurrent save c%d lost (%+v, %v)", i, h, ok)
		}
	}
	if _, ok := g.Host("from-a"); !ok {
		t.Errorf("earlier entry lost")
	}
}

// TestSaveWaitsForLock: while another saver holds the lock, Save waits
// (bounded) and then merges.
func TestSaveWaitsForLock(t *testing.T) {
	watchdog(t, 30*time.Second)
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	writeFile(t, path, handWritten, 0o600)
	f := mustLoad(t, path)
	if err := f.SetHost(Host{Match: "x", Count: 1}); err != nil {
		t.Fatal(err)
	}
	unlock, err := filelock.Lock(filepath.Join(dir, ".config.toml.lock"), lockWait)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- f.Save("") }()
	select {
	case err := <-done:
		t.Fatalf("Save returned while the lock was held: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	// The other saver writes, then releases the lock.
	writeFile(t, path, handWritten+"\n# other saver\n", 0o600)
	unlock()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, path); !strings.Contains(got, "# other saver") || !strings.Contains(got, `match = "x"`) {
		t.Errorf("after waiting:\n%s", got)
	}
}

// TestSaveDanglingSymlink: config.toml is a symlink to a file that does
// not exist yet (dotfiles managers do this). Save creates the target,
// mode 0600, and the link stays a link.
func TestSaveDanglingSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "dotfiles", "sshdash", "settings.toml")
	link := filepath.Join(dir, "config.toml")
	if err := os.Symlink("dotfiles/sshdash/settings.toml", link); err != nil {
		t.Fatal(err)
	}
	f := mustLoad(t, link)
	if err := f.SetHost(Host{Match: "x", Count: 1}); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(""); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(link)
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("link replaced by a file: %v %v", fi.Mode(), err)
	}
	ti, err := os.Stat(target)
	if err != nil {
		t.Fatalf("target not created: %v", err)
	}
	if ti.Mode().Perm() != 0o600 {
		t.Errorf("new target mode %v, want 0600", ti.Mode().Perm())
	}
	if g := mustLoad(t, link); len(g.Hosts()) != 1 {
		t.Errorf("reading through the link:\n%s", g.Bytes())
	}
	// Saving again through the link (now resolving) keeps it a link.
	if err := f.SetHost(Host{Match: "y", Count: 2}); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(link); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("link replaced on second save: %v", err)
	}
	if g := mustLoad(t, link); len(g.Hosts()) != 2 {
		t.Errorf("second save through the link:\n%s", g.Bytes())
	}
}

// TestSaveKeepsTargetMode: the file (behind a link or not) keeps its
// permission bits.
func TestSaveKeepsTargetMode(t *testing.T) {
	for _, mode := range []os.FileMode{0o640, 0o644, 0o600, 0o400} {
		t.Run(mode.String(), func(t *testing.T) {
			dir := t.TempDir()
			target := filepath.Join(dir, "real.toml")
			writeFile(t, target, handWritten, mode)
			link := filepath.Join(dir, "config.toml")
			if err := os.Symlink(target, link); err != nil {
				t.Fatal(err)
			}
			f := mustLoad(t, link)
			if err := f.SetHost(Host{Match: "x", Count: 1}); err != nil {
				t.Fatal(err)
			}
			if err := f.Save(""); err != nil {
				t.Fatal(err)
			}
			if fi, _ := os.Stat(target); fi.Mode().Perm() != mode {
				t.Errorf("mode %v, want %v", fi.Mode().Perm(), mode)
			}
		})
	}
}

// TestWriteAtomicCheck: when the file changed between reading and the
// rename (the check fails), nothing replaces it and no temporary file is
// left; Save then merges again.
func TestWriteAtomicCheck(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	writeFile(t, path, "theme = \"dark\"\n", 0o600)
	err := writeAtomic(path, "theme = \"light\"\n", 0o600, func() error { return errChangedWhileSaving })
	if err != errChangedWhileSaving {
		t.Fatalf("writeAtomic: %v", err)
	}
	if got := readFile(t, path); got != "theme = \"dark\"\n" {
		t.Errorf("file replaced despite the failed check: %q", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
}

// TestSaveHelperProcess is run by TestSaveTwoProcesses as a separate
// sshdash-like process: it loads the file, sets one entry and saves.
func TestSaveHelperProcess(t *testing.T) {
	path, match := os.Getenv("SSHDASH_SETTINGS_HELPER_PATH"), os.Getenv("SSHDASH_SETTINGS_HELPER_MATCH")
	if path == "" {
		t.Skip("helper process for TestSaveTwoProcesses")
	}
	f := mustLoad(t, path)
	if err := f.SetHost(Host{Match: match, Count: 7}); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(""); err != nil {
		t.Fatal(err)
	}
}

// TestSaveTwoProcesses: separate processes (as two sshdash instances
// are) save their own entries at the same time; none is lost.
func TestSaveTwoProcesses(t *testing.T) {
	watchdog(t, 120*time.Second)
	path := filepath.Join(t.TempDir(), "config.toml")
	writeFile(t, path, handWritten, 0o600)
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestSaveHelperProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), "SSHDASH_SETTINGS_HELPER_PATH="+path, fmt.Sprintf("SSHDASH_SETTINGS_HELPER_MATCH=p%d", i))
			if out, err := cmd.CombinedOutput(); err != nil {
				errs <- fmt.Errorf("helper %d: %v\n%s", i, err, out)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	g := mustLoad(t, path)
	for i := range n {
		if h, ok := g.Host(fmt.Sprintf("p%d", i)); !ok || h.Count != 7 {
			t.Errorf("process p%d's entry lost:\n%s", i, g.Bytes())
		}
	}
	if g.Theme() != "light" {
		t.Errorf("original content lost")
	}
}

// TestSaveEmptyKeepsExistingFile: when the settings file could not be
// read, sshdash runs on Empty(); a save from the form must not replace
// the user's file with the form's entry alone. A valid file gets the
// entry added; an invalid one is left alone and Save says why.
func TestSaveEmptyKeepsExistingFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	broken := "theme = \"dark\"\n[[host]\n"
	writeFile(t, path, broken, 0o600)
	f := Empty()
	if err := f.SetHost(Host{Match: "x", Count: 1}); err != nil {
		t.Fatal(err)
	}
	err := f.Save(path)
	if err == nil || !strings.Contains(err.Error(), "nothing was saved") {
		t.Fatalf("Save over an invalid file: %v", err)
	}
	if got := readFile(t, path); got != broken {
		t.Errorf("invalid file replaced:\n%s", got)
	}
	writeFile(t, path, handWritten, 0o600)
	if err := f.Save(path); err != nil {
		t.Fatal(err)
	}
	g := mustLoad(t, path)
	if _, ok := g.Host("x"); !ok || g.Theme() != "light" || len(g.Hosts()) != 3 {
		t.Errorf("after saving Empty() over a valid file:\n%s", g.Bytes())
	}
}
