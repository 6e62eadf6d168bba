//! A minimal OSM PBF writer for tests, and a reader for the simple OSM XML of the hand-written
//! fixtures, so the same data can be fed to both of the library's readers.
//!
//! Encoding uses `osmpbfreader`'s generated protobuf types and `protobuf::Message`. Framing per
//! block: 4-byte big-endian `BlobHeader` length, the `BlobHeader` (type `OSMHeader`/`OSMData`,
//! `datasize`), then the `Blob` (uncompressed `raw` bytes with `raw_size`). Coordinates use the
//! default granularity (100 nanodegrees, offset 0).
#![allow(dead_code)]

use osmpbfreader::fileformat::{Blob, BlobHeader};
use osmpbfreader::osmformat::{
    DenseNodes, HeaderBBox, HeaderBlock, Node, PrimitiveBlock, PrimitiveGroup, Relation,
    StringTable, Way, relation::MemberType,
};
use protobuf::Message;
use std::collections::HashMap;

/// Tags of an object, in file order.
pub type TagList = Vec<(String, String)>;

/// A node to write.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeData {
    pub id: i64,
    pub lon: f64,
    pub lat: f64,
    pub tags: TagList,
}

/// A way to write.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WayData {
    pub id: i64,
    pub refs: Vec<i64>,
    pub tags: TagList,
}

/// A relation member: type (`node`, `way`, `relation`), id, role.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberData {
    pub kind: String,
    pub id: i64,
    pub role: String,
}

/// A relation to write.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RelationData {
    pub id: i64,
    pub members: Vec<MemberData>,
    pub tags: TagList,
}

/// The objects of a small extract.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OsmData {
    /// `(min_lon, min_lat, max_lon, max_lat)` for the header, if any.
    pub bounds: Option<(f64, f64, f64, f64)>,
    pub nodes: Vec<NodeData>,
    pub ways: Vec<WayData>,
    pub relations: Vec<RelationData>,
}

/// How nodes are stored in the data block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeEncoding {
    /// `PrimitiveGroup.nodes`: one message per node.
    Plain,
    /// `PrimitiveGroup.dense`: delta-coded arrays (what osmium and osmosis write).
    Dense,
}

/// The block string table: index 0 is the empty string, as the format requires.
struct Strings {
    table: Vec<Vec<u8>>,
    index: HashMap<String, u32>,
}

impl Strings {
    fn new() -> Self {
        Self {
            table: vec![Vec::new()],
            index: HashMap::new(),
        }
    }

    fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = u32::try_from(self.table.len()).unwrap();
        self.table.push(s.as_bytes().to_vec());
        self.index.insert(s.to_owned(), i);
        i
    }

    fn tags(&mut self, tags: &TagList) -> (Vec<u32>, Vec<u32>) {
        tags.iter().map(|(k, v)| (self.id(k), self.id(v))).unzip()
    }
}

/// Degrees to the file's integer units (granularity 100 nanodegrees).
fn units(deg: f64) -> i64 {
    (deg * 1e7).round() as i64
}

/// Deltas of a sequence (first value against 0).
fn deltas(values: impl IntoIterator<Item = i64>) -> Vec<i64> {
    let mut prev = 0;
    values
        .into_iter()
        .map(|v| {
            let d = v - prev;
            prev = v;
            d
        })
        .collect()
}

/// One framed block: header length, `BlobHeader`, `Blob` holding `payload` uncompressed.
pub fn frame(kind: &str, payload: &[u8]) -> Vec<u8> {
    let mut blob = Blob::new();
    blob.set_raw(payload.to_vec());
    blob.set_raw_size(i32::try_from(payload.len()).unwrap());
    let blob_bytes = blob.write_to_bytes().unwrap();
    let mut header = BlobHeader::new();
    header.set_type(kind.to_owned());
    header.set_datasize(i32::try_from(blob_bytes.len()).unwrap());
    let header_bytes = header.write_to_bytes().unwrap();
    let mut out = Vec::with_capacity(4 + header_bytes.len() + blob_bytes.len());
    out.extend_from_slice(&u32::try_from(header_bytes.len()).unwrap().to_be_bytes());
    out.extend_from_slice(&header_bytes);
    out.extend_from_slice(&blob_bytes);
    out
}

/// The `OSMHeader` block, framed.
pub fn header_frame(bounds: Option<(f64, f64, f64, f64)>) -> Vec<u8> {
    let mut hb = HeaderBlock::new();
    hb.required_features = vec!["OsmSchema-V0.6".into(), "DenseNodes".into()];
    hb.set_writingprogram("feltkart tests pbf_writer".into());
    if let Some((min_lon, min_lat, max_lon, max_lat)) = bounds {
        let mut b = HeaderBBox::new();
        // The header box is in nanodegrees.
        b.set_left(units(min_lon) * 100);
        b.set_right(units(max_lon) * 100);
        b.set_bottom(units(min_lat) * 100);
        b.set_top(units(max_lat) * 100);
        hb.bbox = protobuf::MessageField::some(b);
    }
    frame("OSMHeader", &hb.write_to_bytes().unwrap())
}

/// A framed `OSMData` block holding a ready-made `PrimitiveBlock` (for hand-crafted bad blocks).
pub fn data_frame(block: &PrimitiveBlock) -> Vec<u8> {
    frame("OSMData", &block.write_to_bytes().unwrap())
}

/// The data as one `PrimitiveBlock`: a group of nodes, a group of ways, a group of relations.
pub fn primitive_block(data: &OsmData, nodes: NodeEncoding) -> PrimitiveBlock {
    let mut strings = Strings::new();
    let mut groups = Vec::new();

    let mut node_group = PrimitiveGroup::new();
    match nodes {
        NodeEncoding::Plain => {
            for n in &data.nodes {
                let mut node = Node::new();
                node.set_id(n.id);
                node.set_lat(units(n.lat));
                node.set_lon(units(n.lon));
                (node.keys, node.vals) = strings.tags(&n.tags);
                node_group.nodes.push(node);
            }
        }
        NodeEncoding::Dense => {
            let mut dense = DenseNodes::new();
            dense.id = deltas(data.nodes.iter().map(|n| n.id));
            dense.lat = deltas(data.nodes.iter().map(|n| units(n.lat)));
            dense.lon = deltas(data.nodes.iter().map(|n| units(n.lon)));
            // Tags: k, v, k, v, ... 0 per node (only written when some node has tags).
            if data.nodes.iter().any(|n| !n.tags.is_empty()) {
                for n in &data.nodes {
                    for (k, v) in &n.tags {
                        dense.keys_vals.push(i32::try_from(strings.id(k)).unwrap());
                        dense.keys_vals.push(i32::try_from(strings.id(v)).unwrap());
                    }
                    dense.keys_vals.push(0);
                }
            }
            node_group.dense = protobuf::MessageField::some(dense);
        }
    }
    if !data.nodes.is_empty() {
        groups.push(node_group);
    }

    if !data.ways.is_empty() {
        let mut g = PrimitiveGroup::new();
        for w in &data.ways {
            let mut way = Way::new();
            way.set_id(w.id);
            (way.keys, way.vals) = strings.tags(&w.tags);
            way.refs = deltas(w.refs.iter().copied());
            g.ways.push(way);
        }
        groups.push(g);
    }

    if !data.relations.is_empty() {
        let mut g = PrimitiveGroup::new();
        for r in &data.relations {
            let mut rel = Relation::new();
            rel.set_id(r.id);
            (rel.keys, rel.vals) = strings.tags(&r.tags);
            rel.memids = deltas(r.members.iter().map(|m| m.id));
            rel.roles_sid = r
                .members
                .iter()
                .map(|m| i32::try_from(strings.id(&m.role)).unwrap())
                .collect();
            rel.types = r
                .members
                .iter()
                .map(|m| match m.kind.as_str() {
                    "node" => MemberType::NODE.into(),
                    "way" => MemberType::WAY.into(),
                    "relation" => MemberType::RELATION.into(),
                    other => panic!("member type {other:?}"),
                })
                .collect();
            g.relations.push(rel);
        }
        groups.push(g);
    }

    let mut block = PrimitiveBlock::new();
    let mut table = StringTable::new();
    table.s = strings.table;
    block.stringtable = protobuf::MessageField::some(table);
    block.primitivegroup = groups;
    block
}

/// A whole PBF file: header block, then one data block.
pub fn write_pbf(data: &OsmData, nodes: NodeEncoding) -> Vec<u8> {
    let mut out = header_frame(data.bounds);
    out.extend(data_frame(&primitive_block(data, nodes)));
    out
}

/// The value of attribute `key` on a line of simple OSM XML (one element per line, as the
/// fixtures are written; no entity escapes).
fn attr<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let pat = format!(" {key}=\"");
    let start = line.find(&pat)? + pat.len();
    let len = line[start..].find('"')?;
    Some(&line[start..start + len])
}

fn num<T: std::str::FromStr>(line: &str, key: &str) -> T {
    let v = attr(line, key).unwrap_or_else(|| panic!("no `{key}` in {line:?}"));
    v.parse()
        .unwrap_or_else(|_| panic!("bad `{key}` in {line:?}"))
}

/// Read the simple OSM XML of a hand-written fixture (one element per line).
pub fn parse_simple_osm(text: &str) -> OsmData {
    enum Cur {
        None,
        Node,
        Way,
        Relation,
    }
    let mut data = OsmData::default();
    let mut cur = Cur::None;
    for line in text.lines().map(str::trim) {
        let open = !line.ends_with("/>");
        if line.starts_with("<bounds ") {
            data.bounds = Some((
                num(line, "minlon"),
                num(line, "minlat"),
                num(line, "maxlon"),
                num(line, "maxlat"),
            ));
        } else if line.starts_with("<node ") {
            data.nodes.push(NodeData {
                id: num(line, "id"),
                lon: num(line, "lon"),
                lat: num(line, "lat"),
                tags: Vec::new(),
            });
            cur = if open { Cur::Node } else { Cur::None };
        } else if line.starts_with("<way ") {
            data.ways.push(WayData {
                id: num(line, "id"),
                ..WayData::default()
            });
            cur = if open { Cur::Way } else { Cur::None };
        } else if line.starts_with("<relation ") {
            data.relations.push(RelationData {
                id: num(line, "id"),
                ..RelationData::default()
            });
            cur = if open { Cur::Relation } else { Cur::None };
        } else if line.starts_with("<nd ") {
            data.ways
                .last_mut()
                .expect("<nd> outside a way")
                .refs
                .push(num(line, "ref"));
        } else if line.starts_with("<member ") {
            let m = MemberData {
                kind: num(line, "type"),
                id: num(line, "ref"),
                role: num(line, "role"),
            };
            data.relations
                .last_mut()
                .expect("<member> outside a relation")
                .members
                .push(m);
        } else if line.starts_with("<tag ") {
            let tag = (num(line, "k"), num(line, "v"));
            match cur {
                Cur::Node => data.nodes.last_mut().map(|n| n.tags.push(tag)),
                Cur::Way => data.ways.last_mut().map(|w| w.tags.push(tag)),
                Cur::Relation => data.relations.last_mut().map(|r| r.tags.push(tag)),
                Cur::None => panic!("<tag> outside an object: {line:?}"),
            };
        } else if line.starts_with("</node")
            || line.starts_with("</way")
            || line.starts_with("</relation")
        {
            cur = Cur::None;
        }
    }
    data
}

#[test]
fn written_pbf_decodes_with_osmpbfreader_to_the_same_objects() {
    let mut data = OsmData::default();
    for (id, lon, lat) in [
        (7, 10.8101234, 55.3101234),
        (3, 10.81, 55.31),
        (12, -0.0000001, -0.5),
    ] {
        let tags = if id == 3 {
            vec![("name".into(), "Hjørnet".into())]
        } else {
            Vec::new()
        };
        data.nodes.push(NodeData { id, lon, lat, tags });
    }
    let tags = vec![
        ("highway".into(), "footway".into()),
        ("name".into(), "Stien".into()),
    ];
    data.ways.push(WayData {
        id: 40,
        refs: vec![7, 3, 12, 3],
        tags,
    });
    let members = vec![MemberData {
        kind: "way".into(),
        id: 40,
        role: "outer".into(),
    }];
    data.relations.push(RelationData {
        id: 9,
        members,
        tags: vec![("type".into(), "multipolygon".into())],
    });
    for enc in [NodeEncoding::Plain, NodeEncoding::Dense] {
        let bytes = write_pbf(&data, enc);
        let objs: Vec<osmpbfreader::OsmObj> =
            osmpbfreader::OsmPbfReader::new(std::io::Cursor::new(bytes))
                .iter()
                .map(Result::unwrap)
                .collect();
        let nodes: Vec<_> = objs.iter().filter_map(|o| o.node()).collect();
        assert_eq!(nodes.len(), 3, "{enc:?}");
        let near = |a: f64, b: f64| (a - b).abs() < 1e-12;
        assert_eq!(nodes[0].id.0, 7, "{enc:?}");
        assert!(
            near(nodes[0].lon(), 10.8101234) && near(nodes[0].lat(), 55.3101234),
            "{enc:?}"
        );
        assert_eq!(
            nodes[1].tags.get("name").map(|s| s.as_str()),
            Some("Hjørnet"),
            "{enc:?}"
        );
        assert!(
            near(nodes[2].lon(), -0.0000001) && near(nodes[2].lat(), -0.5),
            "{enc:?}"
        );
        let way = objs.iter().find_map(|o| o.way()).unwrap();
        assert_eq!(
            way.nodes.iter().map(|n| n.0).collect::<Vec<_>>(),
            [7, 3, 12, 3]
        );
        assert_eq!(way.tags.get("name").map(|s| s.as_str()), Some("Stien"));
        let rel = objs.iter().find_map(|o| o.relation()).unwrap();
        assert_eq!(
            (
                rel.refs[0].member.way().map(|w| w.0),
                rel.refs[0].role.as_str()
            ),
            (Some(40), "outer")
        );
    }
}
