package session

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/crypto/ssh"
)

// appendKnownHost adds one line for name and key at the end of file, in
// the file's existing style: hashed when most of its entries are hashed or
// hash is true. The file (mode 0600) and its directory (0700) are created
// when missing. Existing lines are never rewritten: the new line is
// appended with a single write (O_APPEND), after a newline if the file
// does not end with one. It returns the new line's number.
func appendKnownHost(file, name string, key ssh.PublicKey, hash bool) (int, error) {
	existing, err := os.ReadFile(file)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("read %s: %w", file, err)
	}
	if !hash {
		hash = mostlyHashed(existing)
	}
	host := name
	if hash {
		host, err = hashedHostField(name)
		if err != nil {
			return 0, err
		}
	}
	line := host + " " + key.Type() + " " + base64.StdEncoding.EncodeToString(key.Marshal()) + "\n"
	if len(existing) > 0 && existing[len(existing)-1] != '\n' {
		line = "\n" + line
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return 0, fmt.Errorf("create directory for %s: %w", file, err)
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", file, err)
	}
	if _, err := f.WriteString(line); err != nil {
		f.Close()
		return 0, fmt.Errorf("write %s: %w", file, err)
	}
	if err := f.Close(); err != nil {
		return 0, fmt.Errorf("write %s: %w", file, err)
	}
	return bytes.Count(existing, []byte("\n")) + 1 + boolInt(len(existing) > 0 && existing[len(existing)-1] != '\n'), nil
}

// mostlyHashed reports whether more entries of a known_hosts file have
// hashed host names than plain ones (markers are ignored: they are
// written by hand).
func mostlyHashed(data []byte) bool {
	hashed, plain := 0, 0
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || l[0] == '#' || l[0] == '@' {
			continue
		}
		if l[0] == '|' {
			hashed++
		} else {
			plain++
		}
	}
	return hashed > plain
}

// hashedHostField returns "|1|salt|hash" for name, as ssh-keygen -H does.
func hashedHostField(name string) (string, error) {
	salt := make([]byte, sha1Size)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash host name: %w", err)
	}
	return "|1|" + base64.StdEncoding.EncodeToString(salt) + "|" + base64.StdEncoding.EncodeToString(hashHostName(name, salt)), nil
}

// sha1Size is the salt length OpenSSH uses for hashed host names.
const sha1Size = 20

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
