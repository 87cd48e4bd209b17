// Package filelock is the advisory lock sshdash takes around rewriting a
// small file of its own (the settings file, the record of hosts where
// shells may be left running), so that several sshdash processes updating
// it at once never lose each other's changes. Each writer re-reads the
// file under the lock, merges and replaces it atomically.
package filelock
