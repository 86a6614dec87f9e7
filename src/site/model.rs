use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::schema::site;

/// The clinic that publishes this content.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Site {
    #[schema(example = "Easy Cozy Wellness")]
    pub name: String,
    #[schema(example = "Easy Cozy")]
    pub short_name: String,
    pub description: String,
    pub address: Address,
    /// IANA time zone of the clinic.
    #[schema(example = "America/Vancouver")]
    pub timezone: String,
    #[schema(example = "https://easycozy.ca")]
    pub website_url: String,
    #[schema(example = "https://easycozy.ca/booking")]
    pub booking_url: String,
    /// To show with health content: it is education, not a diagnosis.
    pub disclaimer: String,
    pub updated_at: String,
}

/// Where the clinic is.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Address {
    #[schema(example = "Nanaimo")]
    pub city: String,
    #[schema(example = "British Columbia")]
    pub region: String,
    #[schema(example = "BC")]
    pub region_code: String,
    #[schema(example = "Canada")]
    pub country: String,
    /// ISO 3166-1 alpha-2.
    #[schema(example = "CA")]
    pub country_code: String,
}

/// The site as written in the seed file (and as stored).
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Insertable, AsChangeset, Queryable, Selectable, ToSchema,
)]
#[diesel(table_name = site)]
#[serde(deny_unknown_fields)]
pub struct SiteInput {
    pub name: String,
    pub short_name: String,
    pub description: String,
    pub city: String,
    pub region: String,
    pub region_code: String,
    pub country: String,
    pub country_code: String,
    pub timezone: String,
    pub website_url: String,
    pub booking_url: String,
    pub disclaimer: String,
}

impl SiteInput {
    pub fn into_site(self, updated_at: String) -> Site {
        Site {
            name: self.name,
            short_name: self.short_name,
            description: self.description,
            address: Address {
                city: self.city,
                region: self.region,
                region_code: self.region_code,
                country: self.country,
                country_code: self.country_code,
            },
            timezone: self.timezone,
            website_url: self.website_url,
            booking_url: self.booking_url,
            disclaimer: self.disclaimer,
            updated_at,
        }
    }
}

crate::envelope!(SiteResponse, Site);
