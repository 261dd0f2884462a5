"""The default channel colours: the Glasbey palette ngff-zarr uses (256 distinct colours).

The palette is colorcet's ``glasbey_hv`` (colorcet, Holoviz, CC-BY 4.0; after Glasbey,
Heijden, Toh and Gray, "Colour displays for categorical images", 2007): HoloViews' default
12-colour cycle extended with maximally distinct colours. Upper-case ``RRGGBB`` without ``#``,
as OME-Zarr's ``omero`` channels write colours.
"""

from __future__ import annotations

from typing import Final

__all__ = ["GLASBEY_COLORS", "NAMED_COLORS"]

# Colour names that stand for one colour from black (napari's colour maps, LIF channel LUTs)
NAMED_COLORS: Final[dict[str, str]] = {
    "red": "FF0000",
    "green": "00FF00",
    "blue": "0000FF",
    "cyan": "00FFFF",
    "magenta": "FF00FF",
    "yellow": "FFFF00",
    "gray": "FFFFFF",
    "grey": "FFFFFF",
}

GLASBEY_COLORS: Final[list[str]] = [
    "30A2DA", "FC4F30", "E5AE38", "6D904F", "8B8B8B", "17BECF", "9467BD", "D62728",
    "1F77B4", "E377C2", "8C564B", "BCBD22", "3A0183", "004300", "0FFFA9", "5E0040",
    "C6BDFF", "425052", "B80080", "FFB7B3", "7D0200", "6126FF", "FFFF9A", "AEC9AB",
    "00867C", "553A00", "94FCFF", "00BF00", "7D00A0", "AB7200", "91FF00", "01BE8A",
    "00457B", "C8826F", "FF1F83", "DD00FF", "057400", "644461", "888FFF", "FFB6F4",
    "536237", "CE85FF", "686A84", "BEB4BE", "A56089", "95D3FF", "0100F8", "FF8002",
    "8B2945", "ADA06D", "53458B", "C8FFD9", "AA4600", "FF798F", "83D371", "909EBF",
    "9400F5", "EBD09B", "AD8BB1", "00634A", "FFDC00", "887751", "7EABA3", "000097",
    "F500C6", "653329", "006678", "04E3C8", "A737AE", "C5DBE1", "4D6EFF", "9B9301",
    "CD586B", "EFDEFE", "795A00", "5F889A", "B4FF92", "5E726B", "520066", "058751",
    "84206F", "3C9605", "657300", "F1A06C", "5F5045", "BD004A", "D06827", "D796AB",
    "895DFF", "826C76", "2B55B9", "6E7CBB", "E7D5D3", "5D0018", "7C3B01", "80B17D",
    "C8D97D", "00E83B", "7CB2FF", "FF55FF", "A42721", "1DE4FF", "7DAF3B", "7B4B91",
    "E0FF48", "6B00C4", "CDA897", "BE63C4", "89CDCE", "4603C8", "5E9279", "414A01",
    "05A79D", "CF8C37", "FFF8D0", "435471", "B544FF", "CF4993", "CFA4DF", "94D400",
    "A794DA", "2DA558", "8DE3B6", "A4A99D", "6C5CB7", "FF7E5E", "A7838A", "AFBED8",
    "2AC4FF", "A6683D", "F691FE", "874B64", "FF0C4B", "215E23", "4292FF", "87839D",
    "672D45", "B14F41", "004E53", "5F1B00", "AD4167", "503267", "D6FFFD", "7FB5D1",
    "A9B969", "FF96CB", "C87495", "365039", "FFD063", "5E5862", "879476", "A978FF",
    "03C863", "E7BED4", "D4E3D0", "876790", "897C27", "CDDCFF", "AA676B", "323474",
    "FF5EA9", "009BB0", "71FFDD", "785C38", "50659B", "CC00B3", "577B55", "516E7B",
    "015F92", "AABDBE", "017F99", "04DD97", "873A2C", "F0968E", "75C6AA", "70695D",
    "CCDC09", "AF8557", "D80075", "9D3F81", "D94500", "DD6754", "5FFF79", "D5B173",
    "62265E", "BAA23D", "D9F2B3", "57028F", "A19BAA", "4D4A27", "A4A9FF", "ACE8DB",
    "995901", "AC00E2", "47822F", "CBC3AD", "00C5B6", "615378", "336D68", "A59280",
    "8499A2", "FD5764", "7096D2", "728D07", "7F004C", "1530A0", "D1C1E2", "C985D0",
    "6C454B", "7F0024", "00A279", "B2A9CF", "F90000", "B0E9FF", "939E50", "727A82",
    "D92E55", "476101", "0059FF", "7740B5", "ACE460", "674525", "525D51", "957368",
    "A9E49A", "A30058", "D962F6", "8E7DCF", "FFBD93", "A30092", "9AFFB9", "A7C2FF",
    "F46200", "E5F0FF", "B89CA4", "609694", "FF9F35", "8C2900", "726B32", "DF824E",
    "AF7BD5", "BC2D00", "7B6FA3", "484362", "C7A3FF", "004D28", "C4C68E", "E048D7",
    "E7E965", "E5C10B", "00F4F1", "9F5BA2", "4C41B7", "65338E", "767E6C", "A98A36",
]  # fmt: skip
assert len(GLASBEY_COLORS) == 256
