//! The typed front matter of each kind of item, as editors write it.
//!
//! Every struct denies unknown fields, so a typo (`loaction`) is an error that names the closest
//! known field instead of a value silently ignored. Fields shared by every kind are declared
//! once in a macro because serde's `flatten` and `deny_unknown_fields` do not mix.

use serde::Deserialize;

use crate::when::When;

/// The kinds of item and section (DESIGN.md section 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Activities,
    Partners,
    Recruitment,
    Pages,
}

impl Kind {
    pub fn from_dir_name(name: &str) -> Option<Kind> {
        match name {
            "activities" => Some(Kind::Activities),
            "partners" => Some(Kind::Partners),
            "recruitment" => Some(Kind::Recruitment),
            _ => None,
        }
    }
    /// The name of one item of this kind, for messages and templates.
    pub fn item_name(self) -> &'static str {
        match self {
            Kind::Activities => "activity",
            Kind::Partners => "partner",
            Kind::Recruitment => "round",
            Kind::Pages => "page",
        }
    }
    /// The item's kind in both languages, for messages.
    pub fn item_text(self) -> crate::i18n::Text {
        let zh = match self {
            Kind::Activities => "活动",
            Kind::Partners => "合作伙伴",
            Kind::Recruitment => "招新",
            Kind::Pages => "页面",
        };
        crate::i18n::Text { en: self.item_name().to_string(), zh: zh.to_string() }
    }

    /// "activity front matter" / "活动的前置信息", for messages.
    pub fn front_matter_text(self) -> crate::i18n::Text {
        let k = self.item_text();
        crate::i18n::Text { en: format!("{} front matter", k.en), zh: format!("{}的前置信息", k.zh) }
    }

    pub fn section_name(self) -> &'static str {
        match self {
            Kind::Activities => "activities",
            Kind::Partners => "partners",
            Kind::Recruitment => "recruitment",
            Kind::Pages => "pages",
        }
    }
}

macro_rules! front_matter {
    ($(#[$doc:meta])* $name:ident { $($(#[$m:meta])* $f:ident : $t:ty,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            #[serde(default)]
            pub title: Option<String>,
            #[serde(default)]
            pub date: Option<When>,
            #[serde(default)]
            pub updated: Option<When>,
            #[serde(default)]
            pub draft: bool,
            #[serde(default)]
            pub summary: Option<String>,
            #[serde(default)]
            pub tags: Vec<String>,
            #[serde(default)]
            pub weight: i64,
            #[serde(default)]
            pub slug: Option<String>,
            #[serde(default)]
            pub template: Option<String>,
            #[serde(default)]
            pub extra: toml::Table,
            $($(#[$m])* pub $f: $t,)*
        }

        impl $name {
            pub fn common(&self) -> Common {
                Common {
                    title: self.title.clone(),
                    date: self.date,
                    updated: self.updated,
                    draft: self.draft,
                    summary: self.summary.clone(),
                    tags: self.tags.clone(),
                    weight: self.weight,
                    slug: self.slug.clone(),
                    template: self.template.clone(),
                    extra: self.extra.clone(),
                }
            }
        }
    };
}

/// The fields every item may have.
#[derive(Debug, Clone, Default)]
pub struct Common {
    pub title: Option<String>,
    pub date: Option<When>,
    pub updated: Option<When>,
    pub draft: bool,
    pub summary: Option<String>,
    pub tags: Vec<String>,
    pub weight: i64,
    pub slug: Option<String>,
    pub template: Option<String>,
    pub extra: toml::Table,
}

front_matter!(
    /// An activity (`activities/`): something the department held or sponsored.
    ActivityFm {
        #[serde(default)]
        end: Option<When>,
        #[serde(default)]
        location: Option<String>,
        #[serde(default)]
        sponsors: Vec<SponsorFm>,
        #[serde(default)]
        cover: Option<String>,
        #[serde(default)]
        gallery: Vec<String>,
    }
);

/// One sponsor of an activity: a partner id with cash and/or goods.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SponsorFm {
    pub partner: String,
    #[serde(default)]
    pub amount: Option<u64>,
    #[serde(default)]
    pub goods: Option<String>,
}

front_matter!(
    /// A partner (`partners/`): a company or organisation that supports the department.
    PartnerFm {
        name: String,
        tier: String,
        #[serde(default)]
        logo: Option<String>,
        #[serde(default)]
        website: Option<String>,
        #[serde(default)]
        since: Option<i32>,
        #[serde(default)]
        category: Option<String>,
        #[serde(default)]
        description: Option<String>,
    }
);

front_matter!(
    /// A recruitment round (`recruitment/`).
    RoundFm {
        opens: When,
        closes: When,
        #[serde(default)]
        audience: Option<String>,
        #[serde(default)]
        apply: Option<String>,
        #[serde(default)]
        positions: Vec<PositionFm>,
        #[serde(default)]
        stages: Vec<StageFm>,
    }
);

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct PositionFm {
    pub name: String,
    #[serde(default)]
    pub openings: Option<u32>,
    #[serde(default)]
    pub duties: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageFm {
    pub name: String,
    pub date: When,
    #[serde(default)]
    pub location: Option<String>,
}

front_matter!(
    /// A page (any other section): a report, the about page, ...
    PageFm {}
);

/// The front matter of a section's `_index.md`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionFm {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub kind: Option<Kind>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub paginate: Option<usize>,
    #[serde(default)]
    pub template: Option<String>,
    #[serde(default)]
    pub weight: i64,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub extra: toml::Table,
}

/// Front matter of any kind, once parsed.
#[derive(Debug, Clone)]
pub enum ItemFm {
    Activity(ActivityFm),
    Partner(PartnerFm),
    Round(RoundFm),
    Page(PageFm),
}

impl ItemFm {
    pub fn common(&self) -> Common {
        match self {
            ItemFm::Activity(f) => f.common(),
            ItemFm::Partner(f) => f.common(),
            ItemFm::Round(f) => f.common(),
            ItemFm::Page(f) => f.common(),
        }
    }

    /// Parses `text` as the front matter of an item of `kind`.
    pub fn parse(kind: Kind, text: &str) -> Result<ItemFm, toml::de::Error> {
        Ok(match kind {
            Kind::Activities => ItemFm::Activity(toml::from_str(text)?),
            Kind::Partners => ItemFm::Partner(toml::from_str(text)?),
            Kind::Recruitment => ItemFm::Round(toml::from_str(text)?),
            Kind::Pages => ItemFm::Page(toml::from_str(text)?),
        })
    }
}
