//! E-mail notices through Amazon SES (v2 `SendEmail`), from the verified sender the
//! template names (`KYOCHO_MAIL_FROM`, the same identity Cognito sends its codes from).

use async_trait::async_trait;
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};

use crate::mail::{Mailer, Notice};

pub struct SesMailer {
    client: aws_sdk_sesv2::Client,
    from: String,
}

impl SesMailer {
    pub fn new(client: aws_sdk_sesv2::Client, from: String) -> SesMailer {
        SesMailer { client, from }
    }
}

fn utf8(text: &str) -> anyhow::Result<Content> {
    Ok(Content::builder().data(text).charset("UTF-8").build()?)
}

#[async_trait]
impl Mailer for SesMailer {
    async fn send(&self, notice: &Notice) -> anyhow::Result<()> {
        if self.from.is_empty() {
            anyhow::bail!("no sender: KYOCHO_MAIL_FROM is not set");
        }
        let message = Message::builder().subject(utf8(&notice.subject)?).body(Body::builder().text(utf8(&notice.body)?).build()).build();
        self.client
            .send_email()
            .from_email_address(&self.from)
            .destination(Destination::builder().to_addresses(&notice.to).build())
            .content(EmailContent::builder().simple(message).build())
            .send()
            .await
            .map_err(|e| anyhow::anyhow!("SES SendEmail: {}", aws_sdk_sesv2::error::DisplayErrorContext(&e)))?;
        Ok(())
    }
}
