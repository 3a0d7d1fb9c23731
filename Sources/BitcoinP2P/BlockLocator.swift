public import Bitcoin

/// Block locators for `getheaders` / `getblocks` (Bitcoin Core's `LocatorEntries`): the tip and the
/// nine blocks below it one by one, then steps doubling each time, and always genesis last.
public enum BlockLocator {
    /// The heights a locator for a tip at `tipHeight` names, newest first. Empty for a negative height.
    public static func heights(tipHeight: Int) -> [Int] {
        guard tipHeight >= 0 else { return [] }
        var out: [Int] = []
        var height = tipHeight
        var step = 1
        while true {
            out.append(height)
            if height == 0 { break }
            height = max(height - step, 0)
            if out.count > 10 { step *= 2 }
        }
        return out
    }

    /// The locator hashes for a chain whose tip is at `tipHeight`, looked up with `hashAt` (height →
    /// hash on the active chain). Heights the lookup cannot resolve are skipped.
    public static func build(tipHeight: Int, hashAt: (Int) -> BlockHash?) -> [BlockHash] {
        heights(tipHeight: tipHeight).compactMap(hashAt)
    }
}
