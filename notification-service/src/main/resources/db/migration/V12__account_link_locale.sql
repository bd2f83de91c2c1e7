-- The locale a linked user's payment notifications are written and formatted in (BCP 47): the link's language
-- (account.linked) in the number's region, else guessed from the number's calling code (service.UserLocales).
-- Rows linked before this have none and keep the service-wide app.notifications.locale.
alter table account_link add column locale varchar(35);
