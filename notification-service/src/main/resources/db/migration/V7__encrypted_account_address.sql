-- account_link.whatsapp now holds AES-GCM ciphertext ("<keyId>:<base64>", repository.AddressCipher), longer than the
-- address itself. Rows stored before are encrypted by repository.AddressEncryptionJob (clear ones read as they are).
alter table account_link alter column whatsapp type text;
