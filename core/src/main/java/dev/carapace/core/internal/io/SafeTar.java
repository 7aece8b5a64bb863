package dev.carapace.core.internal.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipEncoding;

/**
 * Tar streams for copying files into and out of a container, written and read with the engine, the
 * less trusted side, in mind.
 *
 * <p><b>Writing</b> ({@link #source}): a host file or directory as a tar stream produced on demand,
 * in the reading thread (no pipe, no extra thread): entries owned by root unless an owner is given,
 * the host's permissions or a given mode, without setuid, setgid or sticky bits, symbolic links stored as links (never followed, so no host file
 * outside the source is read), FIFOs, sockets and devices refused before anything is sent. Or
 * ({@link #ofBytes}) one regular file from bytes in memory.
 *
 * <p><b>Reading</b> ({@link #extract}): every entry must lie under one expected top-level name; names
 * that are absolute or climb with {@code ..} are refused; a symbolic link's target must be relative
 * and stay within that top-level entry (checked on its name, then again on the kernel's resolution
 * once everything is written); a hard link must name a regular file extracted before it (its content
 * is copied); an entry is never written through a link; devices and FIFOs are refused. Permissions are
 * the archive's without setuid, setgid, sticky and world-write bits, and the owner can always read and
 * write (and enter directories); owner and group are this process's. The size and entry limits are
 * checked before each entry is written.
 */
public final class SafeTar {
  private static final int CHUNK = 64 * 1024;

  private SafeTar() {}

  /** An archive, or a host source, broke a rule; the message follows {@code <attribute> <rule>: <actual>}. */
  public static final class Refused extends IOException {
    private static final long serialVersionUID = 1L;

    public Refused(String message) {
      super(message);
    }
  }

  /** Reading a host source while it was sent failed, or it changed: the host's fault, not the engine's. */
  public static final class HostSourceFailed extends IOException {
    private static final long serialVersionUID = 1L;

    HostSourceFailed(String message, IOException cause) {
      super(message, cause);
    }
  }

  // ------------------------------------------------------------------------------------------ writing

  /** One entry of a host source: its name in the archive, its host path, its kind. */
  private record Item(String name, Path path, char kind, long size, int mode, long mtime, String link,
      byte[] bytes) {}

  /** {@link #source(Path, String, long, int, int, int, int)} with the host's permissions, owned by root. */
  public static InputStream source(Path source, String rootName, long maxBytes, int maxEntries) throws IOException {
    return source(source, rootName, maxBytes, maxEntries, -1, 0, 0);
  }

  /**
   * The tar stream of one regular file named {@code rootName} holding {@code content}, with permission
   * bits {@code mode} (setuid, setgid and sticky dropped), owned by {@code uid:gid}.
   *
   * @throws Refused when {@code content} is larger than {@code maxBytes}
   */
  public static InputStream ofBytes(byte[] content, String rootName, long maxBytes, int mode, int uid, int gid)
      throws Refused {
    if (content.length > maxBytes) {
      throw new Refused("copy size must be at most " + sizeText(maxBytes) + ": the content has " + content.length
          + " bytes");
    }
    return new Source(List.of(new Item(rootName, null, 'f', content.length, mode & 0777, System.currentTimeMillis(),
        null, content)), uid, gid);
  }

  /**
   * The tar stream of {@code source} (a regular file or a directory, followed if it is a link itself),
   * its top-level entry named {@code rootName}. The source is walked now, without following links,
   * and checked against the limits; the stream reads file contents as it is read. With {@code mode}
   * at least 0, every regular file gets those permission bits and every directory the same plus an
   * execute bit for each read bit ({@code chmod a=rX}); with {@code -1} the host's are kept. Every
   * entry is owned by {@code uid:gid}.
   *
   * @throws Refused when the source holds a FIFO, socket or device, or exceeds a limit
   * @throws NoSuchFileException when it does not exist
   */
  public static InputStream source(Path source, String rootName, long maxBytes, int maxEntries, int mode, int uid,
      int gid) throws IOException {
    Path real = source.toRealPath();
    List<Item> items = new ArrayList<>();
    long[] total = {0};
    BasicFileAttributes top = Files.readAttributes(real, BasicFileAttributes.class);
    if (!top.isRegularFile() && !top.isDirectory()) {
      throw new Refused("copy source must be a regular file or a directory: " + source + " (" + kind(top) + ")");
    }
    Walk walk = new Walk(source, maxBytes, maxEntries, mode);
    if (top.isDirectory() && walk.relative(real, rootName)) {
      return new Source(walk.items, uid, gid);
    }
    Files.walkFileTree(real, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        walk.add(dir, name(dir), attrs);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        walk.add(file, name(file), attrs);
        return FileVisitResult.CONTINUE;
      }

      private String name(Path p) {
        String rel = real.relativize(p).toString();
        return rel.isEmpty() ? rootName : rootName + "/" + rel;
      }
    });
    return new Source(walk.items, uid, gid);
  }

  /** The entries of a host source, checked against the limits as they are found. */
  private static final class Walk {
    final List<Item> items = new ArrayList<>();
    private final Path source;
    private final long maxBytes;
    private final int maxEntries;
    private final int mode;
    private long total;

    Walk(Path source, long maxBytes, int maxEntries, int mode) {
      this.source = source;
      this.maxBytes = maxBytes;
      this.maxEntries = maxEntries;
      this.mode = mode;
    }

    /**
     * Walks the directory {@code real} relative to open directories ({@code openat}, {@code fstatat}),
     * as {@link SafeTar#deleteTree} does, so that an entry costs the same at any depth (by full paths, each
     * entry's look-ups walk every directory above it); false, having walked nothing, where the JDK
     * gives no {@link java.nio.file.SecureDirectoryStream}.
     */
    boolean relative(Path real, String rootName) throws IOException {
      java.nio.file.DirectoryStream<Path> first = Files.newDirectoryStream(real);
      if (!(first instanceof java.nio.file.SecureDirectoryStream)) {
        first.close();
        return false;
      }
      java.nio.file.SecureDirectoryStream<Path> root = (java.nio.file.SecureDirectoryStream<Path>) first;
      java.nio.file.attribute.PosixFileAttributes top;
      try {
        top = root.getFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class).readAttributes();
      } catch (IOException | RuntimeException e) {
        root.close();
        throw e;
      }
      add(real, rootName, top);
      Level.walk(new Level(real, rootName, top.fileKey(), root), (level, name, attrs) -> {
        add(level.path.resolve(name), level.name + "/" + name, attrs);
        return attrs.isDirectory();
      }, (level, parent) -> { });
      return true;
    }

    void add(Path p, String name, BasicFileAttributes attrs) throws IOException {
      char kind = attrs.isDirectory() ? 'd' : attrs.isSymbolicLink() ? 'l' : attrs.isRegularFile() ? 'f' : '?';
      if (kind == '?') {
        throw new Refused("copy source must hold only regular files, directories and symbolic links: " + p
            + " (" + kind(attrs) + ")");
      }
      if (items.size() >= maxEntries) {
        throw new Refused("copy entries must be at most " + maxEntries + ": " + source + " has more");
      }
      long size = kind == 'f' ? attrs.size() : 0;
      total += size;
      if (total > maxBytes) {
        throw new Refused("copy size must be at most " + sizeText(maxBytes) + ": " + source + " has more than "
            + maxBytes + " bytes");
      }
      int host = attrs instanceof java.nio.file.attribute.PosixFileAttributes
          ? mode(((java.nio.file.attribute.PosixFileAttributes) attrs).permissions()) : -1;
      int bits = mode < 0 || kind == 'l' ? (host >= 0 ? host : mode(p)) : kind == 'd' ? mode | (mode & 0444) >> 2 : mode;
      items.add(new Item(name, p, kind, size, bits, attrs.lastModifiedTime().toMillis(),
          kind == 'l' ? Files.readSymbolicLink(p).toString() : null, null));
    }
  }

  private static String kind(BasicFileAttributes a) {
    return a.isSymbolicLink() ? "a symbolic link" : a.isOther() ? "a FIFO, socket or device" : "not a file";
  }

  private static int mode(Path p) throws IOException {
    return mode(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  private static int mode(Set<PosixFilePermission> perms) {
    int mode = 0;
    for (PosixFilePermission perm : perms) {
      mode |= 0400 >> perm.ordinal(); // OWNER_READ is ordinal 0 ... OTHERS_EXECUTE is 8
    }
    return mode;
  }

  private static String sizeText(long bytes) {
    return bytes % (1 << 20) == 0 ? bytes / (1 << 20) + " MiB" : bytes + " bytes";
  }

  /** Writes the tar a piece at a time, as the reader asks. */
  private static final class Source extends InputStream {
    private final List<Item> items;
    private int next;
    private final Buffer pending = new Buffer();
    private final TarArchiveOutputStream tar;
    private InputStream current;
    private long remaining;
    private final byte[] chunk = new byte[CHUNK];
    private boolean finished;
    private int pos;
    private final int uid;
    private final int gid;

    Source(List<Item> items, int uid, int gid) {
      this.items = items;
      this.uid = uid;
      this.gid = gid;
      this.tar = new TarArchiveOutputStream(pending);
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      while (pos >= pending.size()) {
        if (finished) {
          return -1;
        }
        pending.reset();
        pos = 0;
        step();
      }
      int n = Math.min(len, pending.size() - pos);
      System.arraycopy(pending.array(), pos, b, off, n);
      pos += n;
      return n;
    }

    private void step() throws IOException {
      if (current != null) {
        int n;
        try {
          n = current.read(chunk, 0, (int) Math.min(chunk.length, remaining));
        } catch (IOException e) {
          throw new HostSourceFailed("copy source could not be read on the host: " + items.get(next - 1).path()
              + " (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        }
        if (n < 0) {
          throw new HostSourceFailed("copy source changed while copied: " + items.get(next - 1).path()
              + " shrank (" + remaining + " bytes missing)", null);
        }
        tar.write(chunk, 0, n);
        remaining -= n;
        if (remaining == 0) {
          current.close();
          current = null;
          tar.closeArchiveEntry();
        }
        return;
      }
      if (next == items.size()) {
        tar.finish();
        tar.close();
        finished = true;
        return;
      }
      Item item = items.get(next++);
      TarArchiveEntry e;
      if (item.kind() == 'l') {
        e = new Entry(item.name(), TarArchiveEntry.LF_SYMLINK);
        e.setLinkName(item.link());
      } else {
        e = new Entry(item.name() + (item.kind() == 'd' ? "/" : ""));
        e.setSize(item.size());
      }
      e.setMode((item.kind() == 'd' ? 040000 : item.kind() == 'l' ? 0120000 : 0100000) | (item.mode() & 0777));
      e.setIds(uid, gid);
      e.setNames(uid == 0 ? "root" : "", gid == 0 ? "root" : "");
      e.setModTime(item.mtime());
      tar.putArchiveEntry(e);
      if (item.kind() == 'f' && item.size() > 0) {
        try {
          current = item.bytes() != null ? new java.io.ByteArrayInputStream(item.bytes())
              : Files.newInputStream(item.path(), LinkOption.NOFOLLOW_LINKS);
        } catch (IOException failed) {
          throw new HostSourceFailed("copy source could not be read on the host: " + item.path() + " ("
              + failed.getClass().getSimpleName() + (failed.getMessage() == null ? "" : ": " + failed.getMessage())
              + ")", failed);
        }
        remaining = item.size();
      } else {
        tar.closeArchiveEntry();
      }
    }

    @Override
    public void close() throws IOException {
      finished = true;
      if (current != null) {
        current.close();
        current = null;
      }
    }
  }

  /**
   * commons-compress's entry, whose 100-byte ustar name and link name fields are filled from at most
   * their first 100 characters. The library fills a field by encoding the whole name, then the name
   * less its last character, and so on until it fits ({@code TarUtils.formatNameBytes}, still so in
   * 1.28.0): time quadratic in a long name's length (measured: 25 ms for one 4,000-character name,
   * 107 ms for 8,000, minutes for a 2,000-level tree). No setting avoids it (the PAX and GNU long-name
   * modes both fill the field from the whole name), so the field gets the name cut to 100 characters
   * first: as every character encodes to at least one byte, no longer prefix fits, and the library's
   * own search from there writes the same bytes as before. The full names still go into the PAX header
   * that {@code putArchiveEntry} writes from {@link #getName()} and {@link #getLinkName()} before this.
   */
  static final class Entry extends TarArchiveEntry {
    Entry(String name) {
      super(name);
    }

    Entry(String name, byte linkFlag) {
      super(name, linkFlag);
    }

    @Override
    public void writeEntryHeader(byte[] outbuf, ZipEncoding encoding, boolean starMode) throws IOException {
      String name = getName();
      String link = getLinkName();
      setName(name.substring(0, Math.min(name.length(), TarConstants.NAMELEN)));
      setLinkName(link.substring(0, Math.min(link.length(), TarConstants.NAMELEN)));
      try {
        super.writeEntryHeader(outbuf, encoding, starMode);
      } finally {
        setName(name);
        setLinkName(link);
      }
    }
  }

  /** A byte buffer whose array the reader copies from directly. */
  private static final class Buffer extends java.io.ByteArrayOutputStream {
    Buffer() {
      super(CHUNK + 16 * 1024);
    }

    byte[] array() {
      return buf;
    }
  }

  // ------------------------------------------------------------------------------------------ reading

  /**
   * The most header bytes one entry may come with: its 512-byte header and any PAX extended or global
   * header, GNU long name or long link name and old GNU sparse map before it. A real entry needs a few
   * KiB at most (a 4,096-byte path); beyond this the archive is refused before the header is in memory.
   */
  public static final int MAX_HEADER_BYTES = 1 << 20;

  /** Writing the extracted entries on the host failed: the host's fault, not the archive's or the engine's. */
  public static final class TargetFailed extends IOException {
    private static final long serialVersionUID = 1L;

    TargetFailed(Path path, IOException cause) {
      super("copy target could not be written on the host: " + path + " (" + cause.getClass().getSimpleName()
          + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + ")", cause);
    }
  }

  /**
   * Extracts {@code tar} into the existing empty directory {@code dir}, every entry under
   * {@code rootName}, which becomes {@code dir/rootName}. Headers are bounded by
   * {@link #MAX_HEADER_BYTES} an entry, as they are read; a sparse entry counts at its real (expanded)
   * size; the size and entry limits are checked on what an entry declares before it is written, and
   * again on the bytes written. The time taken is linear in the entries, however deep the tree.
   *
   * @return the number of file-content bytes written
   * @throws Refused naming the first entry that breaks a rule or the limit it exceeds, or saying that
   *     the stream is not an uncompressed tar; what was written stays in {@code dir} for the caller to
   *     delete
   * @throws TargetFailed when a file or directory could not be written on the host
   * @throws IOException any other: reading {@code tar} itself failed
   */
  public static long extract(InputStream tar, Path dir, String rootName, long maxBytes, int maxEntries)
      throws IOException {
    Path root = dir.resolve(rootName);
    Metered raw = new Metered(new java.io.BufferedInputStream(tar, CHUNK));
    Reader in = new Reader(raw);
    try (Dirs open = Dirs.open(dir, rootName)) {
      return extract(in, dir, root, rootName, maxBytes, maxEntries, open);
    }
  }

  private static long extract(Reader in, Path dir, Path root, String rootName, long maxBytes, int maxEntries,
      Dirs open) throws IOException {
    Map<Path, Integer> dirModes = new LinkedHashMap<>();
    Set<Path> known = new HashSet<>(); // directories this extraction made or checked: they stay directories
    int createdMode = -1;
    List<Path> links = new ArrayList<>();
    long total = 0;
    int entries = 0;
    boolean sawRoot = false;
    for (TarArchiveEntry e = in.next(); e != null; e = in.next()) {
      if (++entries > maxEntries) {
        throw new Refused("copy entries must be at most " + maxEntries + ": the archive has more");
      }
      String name = entryName(e.getName(), rootName);
      Path dest = dir.resolve(name);
      sawRoot = true;
      if (!dest.normalize().startsWith(root)) {
        throw new Refused("archive entry must stay within the target: " + e.getName());
      }
      int mode = e.getMode() & 0777 & ~0002;
      if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
        throw new Refused("archive entry must be a file, directory or link: " + printable(e.getName()) + " ("
            + (e.isCharacterDevice() ? "character device" : e.isBlockDevice() ? "block device" : "FIFO") + ")");
      }
      try {
        parents(dir, dest, known, open);
        if (e.isDirectory()) {
          // one system call for a new directory: each costs a walk of the whole path in the kernel
          boolean made = false;
          if (!known.contains(dest)) {
            try {
              mkdir(dest, open);
              made = true;
            } catch (java.nio.file.FileAlreadyExistsException exists) {
              if (!Files.isDirectory(dest, LinkOption.NOFOLLOW_LINKS)) {
                throw new Refused("archive entry must be unique: " + e.getName());
              }
            }
            known.add(dest);
          }
          if (made && createdMode < 0) {
            createdMode = mode(dest); // what the umask gives a new directory: read once
          }
          if (made && (mode | 0700) == createdMode) {
            dirModes.remove(dest); // already as it should be: no chmod (another walk of its path) at the end
          } else {
            dirModes.put(dest, mode | 0700);
          }
        } else if (e.isSymbolicLink()) {
          String target = e.getLinkName();
          if (target.isEmpty() || target.startsWith("/") || target.indexOf('\0') >= 0) {
            throw new Refused("archive link must be relative and stay within the target: " + e.getName() + " -> "
                + printable(target));
          }
          if (!dest.getParent().resolve(target).normalize().startsWith(root)) {
            throw new Refused("archive link must stay within the target: " + e.getName() + " -> "
                + printable(target));
          }
          Files.createSymbolicLink(dest, dest.getFileSystem().getPath(target));
          links.add(dest);
        } else if (e.isLink()) {
          Path from = null;
          try {
            from = dir.resolve(entryName(e.getLinkName(), rootName));
          } catch (Refused badName) {
            // reported below, as any hard link that names no earlier file
          }
          if (from == null || !from.normalize().startsWith(root)
              || !Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)) {
            throw new Refused("archive hard link must name a regular file extracted before it: " + e.getName()
                + " => " + printable(e.getLinkName()));
          }
          long size = Files.size(from);
          if ((total += size) > maxBytes) {
            throw tooLarge(maxBytes);
          }
          Files.copy(from, dest, LinkOption.NOFOLLOW_LINKS);
          Files.setPosixFilePermissions(dest, perms(mode(from)));
        } else if (e.isFile()) {
          // a sparse entry is written at its real size, its holes as zeros: that size is what counts
          long size = e.isSparse() ? Math.max(e.getRealSize(), e.getSize()) : e.getSize();
          if (size < 0 || (total += size) > maxBytes) {
            throw tooLarge(maxBytes);
          }
          try (OutputStream out = open != null ? open.newFile(dest) : Files.newOutputStream(dest,
              StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            if (copy(in, out, size, dest) != size) {
              throw new Refused("archive entry must hold the bytes it declares: " + printable(e.getName())
                  + " holds more than " + size);
            }
          }
          if (open != null) {
            open.chmod(dest, perms(mode | 0600));
          } else {
            Files.setPosixFilePermissions(dest, perms(mode | 0600));
          }
        } else {
          throw new Refused("archive entry must be a file, directory or link: " + printable(e.getName())
              + " (type " + (char) e.getLinkFlag() + ")");
        }
      } catch (Refused | Metered.SourceFailed | TargetFailed re) {
        throw re;
      } catch (java.nio.file.FileAlreadyExistsException exists) {
        throw new Refused("archive entry must be unique: " + printable(e.getName()));
      } catch (IOException local) {
        throw new TargetFailed(dest, local);
      }
    }
    if (!sawRoot) {
      throw new Refused("archive must hold " + rootName + ": it is empty");
    }
    try {
      for (Path link : links) { // the kernel's resolution, now that every entry exists
        if (!resolvesWithin(link, root)) {
          throw new Refused("archive link must stay within the target: " + dir.relativize(link) + " -> "
              + Files.readSymbolicLink(link));
        }
      }
      List<Path> dirs = new ArrayList<>(dirModes.keySet());
      for (int i = dirs.size() - 1; i >= 0; i--) {
        Files.setPosixFilePermissions(dirs.get(i), perms(dirModes.get(dirs.get(i))));
      }
    } catch (Refused re) {
      throw re;
    } catch (IOException local) {
      throw new TargetFailed(root, local);
    }
    return total;
  }

  /**
   * Copies the current entry's data to {@code out}, at most {@code max} bytes; returns {@code max + 1}
   * when the entry holds more (what commons-compress reads for a sparse entry is not checked by it).
   */
  private static long copy(InputStream in, OutputStream out, long max, Path dest) throws IOException {
    byte[] buf = new byte[CHUNK];
    long done = 0;
    while (true) {
      int n = readData(in, buf, (int) Math.min(buf.length, max - done + 1));
      if (n < 0) {
        return done;
      }
      if (done + n > max) {
        return max + 1;
      }
      try {
        out.write(buf, 0, n);
      } catch (IOException local) {
        throw new TargetFailed(dest, local);
      }
      done += n;
    }
  }

  /** Creates the directory {@code p}, relative to its open parent when there is one. */
  private static void mkdir(Path p, Dirs open) throws IOException {
    if (open != null) {
      open.mkdir(p);
    } else {
      Files.createDirectory(p);
    }
  }

  /**
   * The directories on the path of the entries being extracted, held open, so that an entry is made
   * relative to its parent's descriptor ({@code openat}, {@code renameat}, {@code fchmodat}): the
   * kernel walks one name, not the whole path (2,000 names for a file 2,000 levels down, which made
   * a deep tree's extraction quadratic). The JDK has no {@code mkdirat}: a directory deeper than
   * {@link #SHALLOW} levels is made under a short name in the staging directory, then renamed into
   * place relative to both. At most
   * {@link #MAX_OPEN} are open; null where the JDK gives no {@link SecureDirectoryStream}.
   */
  private static final class Dirs implements java.io.Closeable {
    private static final int MAX_OPEN = 64;
    /** Up to this many levels below the staging directory a directory is made by its path, as usual. */
    private static final int SHALLOW = 64;
    private final Path stage;
    private final java.nio.file.SecureDirectoryStream<Path> stageStream;
    private final String scratch;
    /** Open directories, deepest first, each the parent of the one before it. */
    private final java.util.ArrayDeque<Map.Entry<Path, java.nio.file.SecureDirectoryStream<Path>>> stack =
        new java.util.ArrayDeque<>();

    private Dirs(Path stage, java.nio.file.SecureDirectoryStream<Path> stageStream, String rootName) {
      this.stage = stage;
      this.stageStream = stageStream;
      this.scratch = rootName.equals(".carapace-new") ? ".carapace-new-dir" : ".carapace-new";
    }

    static Dirs open(Path stage, String rootName) throws IOException {
      java.nio.file.DirectoryStream<Path> s = Files.newDirectoryStream(stage);
      if (s instanceof java.nio.file.SecureDirectoryStream) {
        return new Dirs(stage, (java.nio.file.SecureDirectoryStream<Path>) s, rootName);
      }
      s.close();
      return null;
    }

    /** The open directory {@code dir}: from the stack, opened relative to its parent on top, or by its path. */
    private java.nio.file.SecureDirectoryStream<Path> at(Path dir) throws IOException {
      if (dir.equals(stage)) {
        return stageStream;
      }
      while (!stack.isEmpty() && !dir.startsWith(stack.peekFirst().getKey())) {
        stack.pollFirst().getValue().close();
      }
      if (!stack.isEmpty() && stack.peekFirst().getKey().equals(dir)) {
        return stack.peekFirst().getValue();
      }
      java.nio.file.SecureDirectoryStream<Path> parent = !stack.isEmpty()
          && stack.peekFirst().getKey().equals(dir.getParent()) ? stack.peekFirst().getValue()
          : dir.getParent().equals(stage) ? stageStream : null;
      java.nio.file.DirectoryStream<Path> opened = parent != null
          ? parent.newDirectoryStream(dir.getFileName(), LinkOption.NOFOLLOW_LINKS)
          : Files.newDirectoryStream(dir);
      if (!(opened instanceof java.nio.file.SecureDirectoryStream)) {
        opened.close();
        throw new IOException("directory could not be opened securely: " + dir);
      }
      stack.addFirst(Map.entry(dir, (java.nio.file.SecureDirectoryStream<Path>) opened));
      if (stack.size() > MAX_OPEN) {
        stack.pollLast().getValue().close();
      }
      return stack.peekFirst().getValue();
    }

    /** Whether {@code p} exists, not following a link, looked up relative to its parent. */
    private boolean exists(java.nio.file.SecureDirectoryStream<Path> parent, Path name) throws IOException {
      try {
        parent.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
        return true;
      } catch (NoSuchFileException e) {
        return false;
      }
    }

    void mkdir(Path p) throws IOException {
      if (p.getNameCount() - stage.getNameCount() <= SHALLOW) {
        Files.createDirectory(p); // a short walk costs less than a rename into place
        return;
      }
      java.nio.file.SecureDirectoryStream<Path> parent = at(p.getParent());
      Path name = p.getFileName();
      if (exists(parent, name)) {
        throw new java.nio.file.FileAlreadyExistsException(p.toString());
      }
      Path fresh = stage.getFileSystem().getPath(scratch);
      Files.createDirectory(stage.resolve(fresh));
      try {
        stageStream.move(fresh, parent, name); // renameat: fails on anything but a missing or empty directory
      } catch (IOException failed) {
        Files.deleteIfExists(stage.resolve(fresh));
        throw failed;
      }
    }

    OutputStream newFile(Path p) throws IOException {
      java.nio.file.SecureDirectoryStream<Path> parent = at(p.getParent());
      return java.nio.channels.Channels.newOutputStream(parent.newByteChannel(p.getFileName(), Set.of(
          StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)));
    }

    void chmod(Path p, Set<PosixFilePermission> perms) throws IOException {
      at(p.getParent()).getFileAttributeView(p.getFileName(), java.nio.file.attribute.PosixFileAttributeView.class,
          LinkOption.NOFOLLOW_LINKS).setPermissions(perms);
    }

    @Override
    public void close() throws IOException {
      while (!stack.isEmpty()) {
        stack.pollFirst().getValue().close();
      }
      stageStream.close();
    }
  }

  /** Reads entry data; commons-compress's own failures (the archive ends early, a bad sparse map) are refusals. */
  private static int readData(InputStream in, byte[] buf, int len) throws IOException {
    try {
      return in.read(buf, 0, len);
    } catch (Refused | Metered.SourceFailed e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new Refused("archive must be a complete tar stream: " + (e.getMessage() == null
          ? e.getClass().getSimpleName() : e.getMessage()));
    }
  }

  /**
   * The archive stream under commons-compress: counts the bytes read while headers are read (armed
   * by {@link Reader#next}) and refuses past {@link #MAX_HEADER_BYTES}, before the header is in
   * memory; and marks its own read failures, so a failing stream is told apart from a malformed one.
   */
  static final class Metered extends java.io.FilterInputStream {
    /** Reading the archive stream failed (the engine, the connection): not the archive's content. */
    static final class SourceFailed extends IOException {
      private static final long serialVersionUID = 1L;

      SourceFailed(IOException cause) {
        super(cause.getMessage(), cause);
      }
    }

    private long budget = -1;
    private long headerBytes;

    Metered(InputStream in) {
      super(in);
    }

    void arm(long bytes) {
      budget = bytes;
      headerBytes = 0;
    }

    void disarm() {
      budget = -1;
    }

    private int count(int n) throws Refused {
      if (n > 0 && budget >= 0 && (headerBytes += n) > budget) {
        throw new Refused("archive entry headers must be at most " + sizeText(budget) + " an entry: the archive has"
            + " more (PAX headers or GNU long names of that size are not a real entry's)");
      }
      return n;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (budget >= 0) {
        len = (int) Math.min(len, Math.max(1, budget - headerBytes + 1));
      }
      try {
        return count(in.read(b, off, len));
      } catch (Refused | SourceFailed e) {
        throw e;
      } catch (IOException e) {
        throw new SourceFailed(e);
      }
    }

    @Override
    public long skip(long n) throws IOException {
      byte[] buf = new byte[(int) Math.min(CHUNK, Math.max(1, n))];
      long done = 0;
      while (done < n) {
        int r = read(buf, 0, (int) Math.min(buf.length, n - done));
        if (r < 0) {
          break;
        }
        done += r;
      }
      return done;
    }
  }

  /** commons-compress's reader with bounded headers, and a stream that is not a tar named as such. */
  private static final class Reader extends TarArchiveInputStream {
    private final Metered raw;
    private boolean first = true;

    Reader(Metered raw) {
      super(raw);
      this.raw = raw;
    }

    /** The next entry, its headers read within {@link #MAX_HEADER_BYTES}; null at the end. */
    TarArchiveEntry next() throws IOException {
      if (getCurrentEntry() != null) { // what the caller did not read (a directory's data): not in memory
        byte[] sink = new byte[CHUNK];
        while (readData(this, sink, sink.length) >= 0) {
          // skipped
        }
      }
      if (first) {
        first = false;
        requireTar();
      }
      raw.arm(MAX_HEADER_BYTES);
      try {
        return getNextEntry();
      } catch (Refused | Metered.SourceFailed e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        throw new Refused("archive must be a tar stream: " + (e.getMessage() == null ? e.getClass().getSimpleName()
            : e.getMessage()) + " (the engine sent something else)");
      } finally {
        raw.disarm();
      }
    }

    /** Refuses a gzip, bzip2, xz or zstd stream by its first bytes, which a tar header never starts with. */
    private void requireTar() throws IOException {
      if (!raw.markSupported()) {
        return;
      }
      raw.mark(4);
      byte[] head = raw.readNBytes(4);
      raw.reset();
      String kind = head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b ? "gzip"
          : head.length >= 3 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h' ? "bzip2"
          : head.length >= 4 && (head[0] & 0xff) == 0xfd && head[1] == '7' && head[2] == 'z' && head[3] == 'X' ? "xz"
          : head.length >= 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f
              && (head[3] & 0xff) == 0xfd ? "zstd" : null;
      if (kind != null) {
        throw new Refused("archive must be an uncompressed tar stream: it is " + kind + "-compressed");
      }
    }
  }

  private static Refused tooLarge(long maxBytes) {
    return new Refused("copy size must be at most " + sizeText(maxBytes) + ": the archive holds more than "
        + maxBytes + " bytes (raise CopyLimits.maxSize)");
  }

  /** The entry's name, checked: relative, no {@code ..}, under {@code rootName}; {@code .} segments dropped. */
  static String entryName(String raw, String rootName) throws Refused {
    if (raw.isEmpty() || raw.startsWith("/")) {
      throw new Refused("archive entry must be a relative name: " + printable(raw));
    }
    List<String> parts = new ArrayList<>();
    for (String p : raw.split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        throw new Refused("archive entry must not contain '..': " + printable(raw));
      }
      for (int i = 0; i < p.length(); i++) {
        if (p.charAt(i) < 0x20) {
          throw new Refused("archive entry must not contain control characters: " + printable(raw));
        }
      }
      parts.add(p);
    }
    if (parts.isEmpty() || !parts.get(0).equals(rootName)) {
      throw new Refused("archive entry must be under " + rootName + ": " + printable(raw));
    }
    return String.join("/", parts);
  }

  private static String printable(String s) {
    return s.replaceAll("\\p{Cntrl}", "?");
  }

  /**
   * Creates the missing directories between {@code dir} and {@code dest}, refusing to pass a link or
   * file. A directory in {@code known} (made or checked by this extraction, which never replaces one)
   * is not looked at again, so an entry costs the same at any depth: only the directories above it
   * that no entry brought yet are.
   */
  private static void parents(Path dir, Path dest, Set<Path> known, Dirs open) throws IOException {
    java.util.ArrayDeque<Path> missing = new java.util.ArrayDeque<>();
    for (Path p = dest.getParent(); !p.equals(dir) && !known.contains(p); p = p.getParent()) {
      missing.push(p);
    }
    for (Path p : missing) {
      boolean made = false;
      try {
        mkdir(p, open);
        made = true;
      } catch (java.nio.file.FileAlreadyExistsException exists) {
        // checked below
      }
      if (!made && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        throw new Refused("archive entry must not pass through a link or file: " + dir.relativize(dest)
            + " (" + dir.relativize(p) + " is " + (Files.isSymbolicLink(p) ? "a link)" : "a file)"));
      }
      known.add(p);
    }
  }

  /**
   * Whether {@code link} resolves, as the kernel would, inside {@code root}: the real path of its
   * longest existing prefix, plus the rest, which does not exist and so holds no link.
   */
  private static boolean resolvesWithin(Path link, Path root) throws IOException {
    Path realRoot = root.toRealPath();
    Path q = link.getParent().resolve(Files.readSymbolicLink(link));
    Path rest = q.getFileSystem().getPath("");
    while (true) {
      try {
        return q.toRealPath().resolve(rest).normalize().startsWith(realRoot);
      } catch (java.nio.file.FileSystemException e) { // missing, or a loop of links: lexical from here
        if (q.getParent() == null) {
          return false;
        }
        rest = q.getFileName().resolve(rest);
        q = q.getParent();
      }
    }
  }

  private static Set<PosixFilePermission> perms(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    for (PosixFilePermission p : PosixFilePermission.values()) {
      if ((mode & (0400 >> p.ordinal())) != 0) {
        set.add(p);
      }
    }
    return set;
  }

  /**
   * Deletes {@code path} and everything below it, never following a link, each name relative to its
   * open directory ({@code unlinkat}, {@code openat}), as {@link #extract} makes them: the kernel walks
   * one name, not the whole path, so a deep tree goes in time linear in its entries (by full paths, a
   * 2,000-level tree cost 2,000 walks of up to 2,000 names). At most 64 directories
   * are open; one closed on the way down is opened again on the way up as {@code ..} of its child, and
   * must be the same directory (device and inode), or the deletion stops. By full paths where the JDK
   * gives no {@link java.nio.file.SecureDirectoryStream}.
   */
  public static void deleteTree(Path path) throws IOException {
    BasicFileAttributes top;
    try {
      top = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException gone) {
      return;
    }
    if (!top.isDirectory()) {
      Files.delete(path);
      return;
    }
    ownerMayEnter(path);
    java.nio.file.DirectoryStream<Path> first = Files.newDirectoryStream(path);
    if (!(first instanceof java.nio.file.SecureDirectoryStream)) {
      first.close();
      deleteByPaths(path);
      return;
    }
    Level.walk(new Level(path, null, top.fileKey(), (java.nio.file.SecureDirectoryStream<Path>) first),
        (level, name, attrs) -> {
          if (!attrs.isDirectory()) {
            level.dir.deleteFile(name);
            return false;
          }
          if (!attrs.permissions().containsAll(OWNER_RWX)) {
            Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
            perms.addAll(attrs.permissions());
            perms.addAll(OWNER_RWX);
            try { // the JDK opens it to change it: an unreadable one is changed by its path
              level.dir.getFileAttributeView(name, java.nio.file.attribute.PosixFileAttributeView.class,
                  LinkOption.NOFOLLOW_LINKS).setPermissions(perms);
            } catch (java.nio.file.AccessDeniedException unreadable) {
              Files.setPosixFilePermissions(level.path.resolve(name), perms);
            }
          }
          return true;
        }, (level, parent) -> parent.dir.deleteDirectory(level.path.getFileName()));
    Files.delete(path);
  }

  private static final Set<PosixFilePermission> OWNER_RWX = EnumSet.of(PosixFilePermission.OWNER_READ,
      PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

  /** Gives the owner of the directory {@code dir} read, write and search, by its path, when it lacks one. */
  private static void ownerMayEnter(Path dir) throws IOException {
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    perms.addAll(Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS));
    if (perms.addAll(OWNER_RWX)) {
      Files.setPosixFilePermissions(dir, perms);
    }
  }

  /**
   * One directory on the way down of a walk relative to open directories ({@link SafeTar#deleteTree}, a
   * source's walk): open, or closed with the rest of its listing kept, to be opened again as {@code ..}
   * of its child on the way up. At most {@code Dirs.MAX_OPEN} are open.
   */
  private static final class Level implements java.io.Closeable {
    final Path path;
    /** Its name in the archive, for a source's walk. */
    final String name;
    final Object key;
    java.nio.file.SecureDirectoryStream<Path> dir;
    java.util.Iterator<Path> it;

    Level(Path path, String name, Object key, java.nio.file.SecureDirectoryStream<Path> dir) {
      this.path = path;
      this.name = name;
      this.key = key;
      this.dir = dir;
      this.it = dir.iterator();
    }

    /** What a walk does with each entry; true to walk into it (a directory). */
    interface Visit {
      boolean entry(Level level, Path name, java.nio.file.attribute.PosixFileAttributes attrs) throws IOException;
    }

    /** What a walk does when it leaves a directory whose entries were all visited, {@code parent} open. */
    interface Leave {
      void left(Level level, Level parent) throws IOException;
    }

    /**
     * Walks the tree of {@code root}, each entry's attributes read relative to its open directory and
     * each directory opened relative to its parent; an entry gone since it was listed is skipped.
     * {@code leave} is not called for {@code root}. Every stream is closed at the end.
     */
    static void walk(Level root, Visit visit, Leave leave) throws IOException {
      java.util.ArrayDeque<Level> levels = new java.util.ArrayDeque<>(); // deepest first
      levels.push(root);
      int open = 1;
      try {
        while (!levels.isEmpty()) {
          Level level = levels.peek();
          if (level.it.hasNext()) {
            Path name = level.it.next().getFileName();
            java.nio.file.attribute.PosixFileAttributes attrs;
            try {
              attrs = level.dir.getFileAttributeView(name, java.nio.file.attribute.PosixFileAttributeView.class,
                  LinkOption.NOFOLLOW_LINKS).readAttributes();
            } catch (NoSuchFileException gone) {
              continue;
            }
            if (visit.entry(level, name, attrs)) {
              levels.push(new Level(level.path.resolve(name), level.name == null ? null : level.name + "/" + name,
                  attrs.fileKey(), (java.nio.file.SecureDirectoryStream<Path>) level.dir.newDirectoryStream(name,
                      LinkOption.NOFOLLOW_LINKS)));
              open = closeShallowest(levels, open + 1);
            }
            continue;
          }
          levels.pop();
          Level parent = levels.peek();
          open = level.up(parent, open);
          if (parent != null) {
            leave.left(level, parent);
          }
        }
      } finally {
        for (Level l : levels) {
          l.close();
        }
      }
    }

    /** With {@code open} directories open, closes the shallowest one when they are too many; the new count. */
    static int closeShallowest(java.util.Deque<Level> levels, int open) throws IOException {
      if (open <= Dirs.MAX_OPEN) {
        return open;
      }
      for (java.util.Iterator<Level> up = levels.descendingIterator(); up.hasNext(); ) {
        Level l = up.next();
        if (l.dir != null) {
          l.close();
          return open - 1;
        }
      }
      return open;
    }

    /** Closes this finished directory, first opening {@code parent} again from it if it was closed; the new count. */
    int up(Level parent, int open) throws IOException {
      if (parent != null && parent.dir == null) {
        java.nio.file.SecureDirectoryStream<Path> again = (java.nio.file.SecureDirectoryStream<Path>)
            dir.newDirectoryStream(path.getFileSystem().getPath(".."), LinkOption.NOFOLLOW_LINKS);
        Object now = again.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
        if (parent.key == null || !parent.key.equals(now)) {
          again.close();
          throw new IOException("directory moved while it was walked: " + parent.path);
        }
        parent.dir = again;
        open++;
      }
      close();
      return open - 1;
    }

    /** Closes its stream, keeping the rest of its listing. */
    @Override
    public void close() throws IOException {
      if (dir != null) {
        List<Path> rest = new ArrayList<>();
        it.forEachRemaining(rest::add);
        it = rest.iterator();
        dir.close();
        dir = null;
      }
    }
  }

  /** {@link #deleteTree} by full paths, for a JDK without {@link java.nio.file.SecureDirectoryStream}. */
  private static void deleteByPaths(Path path) throws IOException {
    Files.walkFileTree(path, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
        Files.setPosixFilePermissions(d, perms(0700));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
