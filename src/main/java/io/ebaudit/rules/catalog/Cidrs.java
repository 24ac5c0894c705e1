package io.ebaudit.rules.catalog;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A set of IPv4 and IPv6 CIDR blocks and a pure-Java address parser: no DNS, no {@code InetAddress}, so a
 * {@code sourceIPAddress} such as {@code elasticbeanstalk.amazonaws.com} is simply "not an address".
 * IPv4 addresses match IPv4 blocks; IPv4-mapped IPv6 addresses ({@code ::ffff:a.b.c.d}) count as IPv4.
 */
final class Cidrs implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<byte[]> networks = new ArrayList<>();
  private final List<Integer> prefixes = new ArrayList<>();

  private Cidrs() {}

  /** Parses blocks such as {@code 10.0.0.0/8}, {@code 2001:db8::/32}, or a bare address (a /32 or /128). */
  static Cidrs parse(List<String> blocks) {
    Cidrs c = new Cidrs();
    for (String raw : blocks) {
      String b = raw.trim();
      if (b.isEmpty()) {
        continue;
      }
      int slash = b.indexOf('/');
      byte[] addr = address(slash < 0 ? b : b.substring(0, slash));
      if (addr == null) {
        throw new IllegalArgumentException("Not a CIDR block: '" + raw + "' (expected e.g. 203.0.113.0/24 or 2001:db8::/32)");
      }
      int bits = addr.length * 8;
      int prefix = bits;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(b.substring(slash + 1));
        } catch (NumberFormatException e) {
          prefix = -1;
        }
        if (prefix < 0 || prefix > bits) {
          throw new IllegalArgumentException("Not a CIDR block: '" + raw + "' (prefix length must be 0-" + bits + ")");
        }
      }
      c.networks.add(addr);
      c.prefixes.add(prefix);
    }
    return c;
  }

  boolean isEmpty() {
    return networks.isEmpty();
  }

  /** Null when {@code ip} is not an IP address; otherwise whether a block contains it. */
  Boolean contains(String ip) {
    byte[] a = ip == null ? null : address(ip.trim());
    if (a == null) {
      return null;
    }
    for (int i = 0; i < networks.size(); i++) {
      byte[] n = networks.get(i);
      if (n.length == a.length && samePrefix(n, a, prefixes.get(i))) {
        return true;
      }
    }
    return false;
  }

  private static boolean samePrefix(byte[] n, byte[] a, int prefix) {
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (n[i] != a[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (n[full] & mask) == (a[full] & mask);
  }

  /** 4 bytes for IPv4 (and IPv4-mapped IPv6), 16 for IPv6, null for anything else. */
  static byte[] address(String s) {
    if (s == null || s.isEmpty()) {
      return null;
    }
    if (s.indexOf(':') < 0) {
      return ipv4(s);
    }
    byte[] v6 = ipv6(s);
    if (v6 != null && isMapped(v6)) {
      return new byte[] {v6[12], v6[13], v6[14], v6[15]};
    }
    return v6;
  }

  private static boolean isMapped(byte[] a) {
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
  }

  private static byte[] ipv4(String s) {
    String[] p = s.split("\\.", -1);
    if (p.length != 4) {
      return null;
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      if (p[i].isEmpty() || p[i].length() > 3 || !p[i].chars().allMatch(Character::isDigit)) {
        return null;
      }
      int v = Integer.parseInt(p[i]);
      if (v > 255) {
        return null;
      }
      out[i] = (byte) v;
    }
    return out;
  }

  private static byte[] ipv6(String s) {
    int zone = s.indexOf('%');
    if (zone >= 0) {
      s = s.substring(0, zone);
    }
    int dbl = s.indexOf("::");
    if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
      return null;
    }
    List<Integer> head = groups(dbl < 0 ? s : s.substring(0, dbl));
    List<Integer> tail = dbl < 0 ? List.of() : groups(s.substring(dbl + 2));
    if (head == null || tail == null) {
      return null;
    }
    int n = head.size() + tail.size();
    if (dbl < 0 ? n != 8 : n > 7) {
      return null;
    }
    byte[] out = new byte[16];
    for (int i = 0; i < head.size(); i++) {
      out[2 * i] = (byte) (head.get(i) >> 8);
      out[2 * i + 1] = (byte) (int) head.get(i);
    }
    for (int i = 0; i < tail.size(); i++) {
      int g = 8 - tail.size() + i;
      out[2 * g] = (byte) (tail.get(i) >> 8);
      out[2 * g + 1] = (byte) (int) tail.get(i);
    }
    return out;
  }

  /** Colon-separated 16-bit groups, the last of which may be a dotted IPv4 address (two groups). */
  private static List<Integer> groups(String s) {
    List<Integer> out = new ArrayList<>();
    if (s.isEmpty()) {
      return out;
    }
    String[] p = s.split(":", -1);
    for (int i = 0; i < p.length; i++) {
      String g = p[i];
      if (i == p.length - 1 && g.indexOf('.') >= 0) {
        byte[] v4 = ipv4(g);
        if (v4 == null) {
          return null;
        }
        out.add(((v4[0] & 0xff) << 8) | (v4[1] & 0xff));
        out.add(((v4[2] & 0xff) << 8) | (v4[3] & 0xff));
        continue;
      }
      if (g.isEmpty() || g.length() > 4) {
        return null;
      }
      int v = 0;
      for (char ch : g.toCharArray()) {
        int d = Character.digit(ch, 16);
        if (d < 0) {
          return null;
        }
        v = v * 16 + d;
      }
      out.add(v);
    }
    return out;
  }
}
