// Package sftpcopy copies local files, directories and in-memory content to a
// remote host over SFTP.
//
// Placement follows pulumi-command's CopyToRemote:
//
//	source | remote is a dir     | remote is missing   | remote is a file
//	-------+---------------------+---------------------+------------------
//	dir    | remote/dir          | remote/dir          | error
//	dir/   | remote/x for x in / | remote/x for x in / | error
//	file   | remote/file         | remote              | remote (replaced)
//
// Missing parent directories of the remote path are created.
package sftpcopy

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/pkg/sftp"
)

// CopyPath copies the local file or directory src to remote.
func CopyPath(c *sftp.Client, src, remote string) error {
	info, err := os.Stat(src)
	if err != nil {
		return fmt.Errorf("source: %w", err)
	}
	if err := c.MkdirAll(path.Dir(remote)); err != nil {
		return fmt.Errorf("creating the parent directories of remote path %s: %w", remote, err)
	}
	remoteInfo, err := stat(c, remote)
	if err != nil {
		return err
	}

	if !info.IsDir() {
		if remoteInfo != nil && remoteInfo.IsDir() {
			remote = path.Join(remote, filepath.Base(src))
		}
		return copyFile(c, src, remote, info.Mode().Perm())
	}

	if remoteInfo != nil && !remoteInfo.IsDir() {
		return fmt.Errorf("cannot copy directory %s: remote path %s exists and is not a directory", src, remote)
	}
	if err := c.MkdirAll(remote); err != nil {
		return fmt.Errorf("creating remote directory %s: %w", remote, err)
	}
	if !strings.HasSuffix(src, "/") {
		remote = path.Join(remote, filepath.Base(src))
	}
	return copyTree(c, src, remote)
}

// WriteFile writes content to the remote file at remote, replacing it. A file
// it creates gets mode 0600 before any content is written, as the content may
// be a secret; an existing file keeps its mode.
func WriteFile(c *sftp.Client, content []byte, remote string) error {
	if err := c.MkdirAll(path.Dir(remote)); err != nil {
		return fmt.Errorf("creating the parent directories of remote path %s: %w", remote, err)
	}
	info, err := stat(c, remote)
	if err != nil {
		return err
	}
	if info != nil && info.IsDir() {
		return fmt.Errorf("remote path %s is a directory; text content needs a file path", remote)
	}
	f, err := c.OpenFile(remote, os.O_WRONLY|os.O_CREATE|os.O_TRUNC)
	if err != nil {
		return fmt.Errorf("creating remote file %s: %w", remote, err)
	}
	if info == nil {
		if err := f.Chmod(0o600); err != nil {
			_ = f.Close()
			return fmt.Errorf("setting the mode of remote file %s: %w", remote, err)
		}
	}
	if _, err := f.Write(content); err != nil {
		_ = f.Close()
		return fmt.Errorf("writing remote file %s: %w", remote, err)
	}
	return f.Close()
}

// stat returns nil, nil for a missing remote path.
func stat(c *sftp.Client, remote string) (fs.FileInfo, error) {
	info, err := c.Stat(remote)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("checking remote path %s: %w", remote, err)
	}
	return info, nil
}

func copyTree(c *sftp.Client, src, remote string) error {
	return filepath.WalkDir(src, func(local string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, local)
		if err != nil {
			return err
		}
		target := path.Join(remote, filepath.ToSlash(rel))
		info, err := d.Info()
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return copyFile(c, local, target, info.Mode().Perm())
		}
		existing, err := stat(c, target)
		if err != nil {
			return err
		}
		if existing == nil {
			if err := c.Mkdir(target); err != nil {
				return fmt.Errorf("creating remote directory %s: %w", target, err)
			}
			return c.Chmod(target, info.Mode().Perm())
		}
		if !existing.IsDir() {
			return fmt.Errorf("remote path %s exists and is not a directory", target)
		}
		return nil
	})
}

// copyFile copies one regular file and gives the remote file the local file's
// permission bits, so scripts stay executable.
func copyFile(c *sftp.Client, local, remote string, perm fs.FileMode) error {
	src, err := os.Open(local)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := c.OpenFile(remote, os.O_WRONLY|os.O_CREATE|os.O_TRUNC)
	if err != nil {
		return fmt.Errorf("creating remote file %s: %w", remote, err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		_ = dst.Close()
		return fmt.Errorf("copying %s to remote file %s: %w", local, remote, err)
	}
	if err := dst.Close(); err != nil {
		return fmt.Errorf("closing remote file %s: %w", remote, err)
	}
	if err := c.Chmod(remote, perm); err != nil {
		return fmt.Errorf("setting the mode of remote file %s: %w", remote, err)
	}
	return nil
}
