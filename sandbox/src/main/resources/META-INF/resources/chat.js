// Sandbox chat page: polls the conversation of the chosen phone and posts user messages like Twilio would.
(function () {
    'use strict';
    const $ = (id) => document.getElementById(id);
    let phone = '';
    let lastRendered = '';

    async function json(url, options) {
        const response = await fetch(url, options);
        if (response.status === 204) { return null; }
        const body = await response.json().catch(() => null);
        if (!response.ok) { throw new Error((body && (body.detail || body.message)) || ('HTTP ' + response.status)); }
        return body;
    }

    async function loadUsers() {
        const users = await json('/sandbox/flash/users');
        const select = $('user-select');
        select.innerHTML = '';
        users.forEach((u) => {
            const option = document.createElement('option');
            option.value = u.phone;
            option.textContent = (u.username || '(no username)') + ' ' + u.phone;
            select.appendChild(option);
        });
        if (!phone && users.length > 0) { usePhone(users[0].phone); }
    }

    function usePhone(value) {
        phone = value.trim();
        $('phone').value = phone;
        lastRendered = '';
        $('messages').innerHTML = '';
        $('send-code-result').textContent = '';
        refresh();
    }

    function el(tag, className, text) {
        const node = document.createElement(tag);
        if (className) { node.className = className; }
        if (text !== undefined && text !== null) { node.textContent = text; }
        return node;
    }

    const QUICK_REPLY = /^\s*(?:[•·*\-]\s*)?(.+?):\s*reply\s+\*([^*]+)\*\s*$/;

    function button(title, payload) {
        const b = el('button', 'quick-reply', title);
        b.type = 'button';
        b.addEventListener('click', () => send(payload, payload, title));
        return b;
    }

    // One element per media URL, kept across renders: a status change re-renders the conversation, and a voice
    // reply that is playing must go on playing (an element moved within one task is not paused).
    const mediaNodes = new Map();

    /** An image, or, when the URL is not an image (the bot's voice replies are Ogg/Opus), an audio player. */
    function mediaNode(url) {
        const known = mediaNodes.get(url);
        if (known) { return known; }
        const img = document.createElement('img');
        img.alt = 'media';
        img.addEventListener('error', () => {
            const audio = document.createElement('audio');
            audio.className = 'voice';
            audio.controls = true;
            audio.preload = 'metadata';
            audio.addEventListener('error', () => {
                const missing = el('div', 'media-missing', '(media not available)');
                mediaNodes.set(url, missing);
                audio.replaceWith(missing);
            }, { once: true });
            audio.src = url;
            mediaNodes.set(url, audio);
            img.replaceWith(audio);
        }, { once: true });
        img.src = url;
        mediaNodes.set(url, img);
        return img;
    }

    function render(conversation) {
        const key = JSON.stringify(conversation);
        if (key === lastRendered) { return; }
        lastRendered = key;
        const box = $('messages');
        box.innerHTML = '';
        conversation.forEach((m) => {
            const bubble = el('div', 'msg ' + m.direction);
            bubble.dataset.sid = m.sid;
            if (m.direction === 'outbound' && m.contentSid && !m.content) {
                bubble.appendChild(el('div', 'template', 'Template ' + m.contentSid));
            }
            const buttons = el('div', 'buttons');
            if (m.direction === 'outbound' && m.content) {
                // a Content template created through the Content API: its body and real buttons (or list items);
                // a tap posts the webhook with ButtonPayload = the button's id and Body = ButtonText = its title
                bubble.appendChild(el('div', 'body', m.content.body));
                if (m.content.button) { buttons.appendChild(el('div', 'list-button', '☰ ' + m.content.button)); }
                (m.content.actions || []).forEach((a) => {
                    const b = el('button', 'quick-reply content-button', a.title);
                    b.type = 'button';
                    b.dataset.payload = a.id;
                    if (a.description) { b.title = a.description; }
                    b.addEventListener('click', () => send(a.title, a.id, a.title));
                    buttons.appendChild(b);
                });
            } else if (m.body) {
                // the product sends quick replies as lines "• Title: reply *payload*": render them as buttons
                const text = [];
                m.body.split('\n').forEach((line) => {
                    const quick = m.direction === 'outbound' ? QUICK_REPLY.exec(line) : null;
                    if (quick) {
                        buttons.appendChild(button(quick[1], quick[2]));
                    } else {
                        text.push(line);
                    }
                });
                bubble.appendChild(el('div', 'body', text.join('\n').trim()));
            }
            (m.mediaUrl || []).forEach((url) => bubble.appendChild(mediaNode(url)));
            if (m.direction === 'outbound' && m.contentVariables && !m.content) {
                // a template: its variables in order (the sandbox does not know the approved template text)
                let vars = {};
                try { vars = JSON.parse(m.contentVariables); } catch (e) { vars = {}; }
                const list = el('div', 'variables');
                Object.keys(vars).sort().forEach((k) => list.appendChild(el('div', '', '{{' + k + '}} ' + vars[k])));
                bubble.appendChild(list);
            }
            if (buttons.childNodes.length > 0) { bubble.appendChild(buttons); }
            let meta;
            if (m.direction === 'inbound') {
                meta = 'gateway: ' + m.gatewayStatus;
            } else {
                meta = m.status + (m.errorCode ? ' (error ' + m.errorCode + ')' : '');
            }
            bubble.appendChild(el('div', 'meta' + (m.status === 'undelivered' ? ' undelivered' : ''), meta));
            box.appendChild(bubble);
        });
        box.scrollTop = box.scrollHeight;
    }

    async function refresh() {
        if (!phone) { return; }
        try {
            render(await json('/sandbox/whatsapp/conversation?phone=' + encodeURIComponent(phone)));
            const users = await json('/sandbox/flash/users?phone=' + encodeURIComponent(phone));
            $('account').textContent = users.length === 0 ? 'No Flash account for this phone yet.'
                : (users[0].username || '(no username)') + ' — USD wallet: $' + (users[0].usdCents / 100).toFixed(2)
                  + ' — BTC wallet: ' + users[0].btcSats + ' sats — display ' + users[0].displayCurrency;
            const otp = await fetch('/sandbox/flash/otp?phone=' + encodeURIComponent(phone));
            $('otp').textContent = otp.ok ? (await otp.json()).code : '—';
        } catch (e) {
            $('status-line').textContent = 'Refresh failed: ' + e.message;
        }
    }

    async function send(body, buttonPayload, buttonText) {
        if (!phone || !body) { return; }
        $('status-line').textContent = 'Sending…';
        try {
            const result = await json('/sandbox/whatsapp/messages', {
                method: 'POST',
                headers: { 'Content-Type': 'application/json' },
                body: JSON.stringify({ from: phone, body: body, profileName: $('profile-name').value,
                    buttonPayload: buttonPayload || null, buttonText: buttonText || null })
            });
            $('status-line').textContent = 'Delivered to gateway: ' + result.gatewayStatus;
        } catch (e) {
            $('status-line').textContent = 'Not sent: ' + e.message;
        }
        refresh();
    }

    /** A voice note that says {@code words}: the sandbox makes the Ogg/Opus file and delivers it like Twilio. */
    async function sendVoice(words) {
        if (!phone || !words) { return; }
        $('status-line').textContent = 'Sending voice note…';
        try {
            const result = await json('/sandbox/whatsapp/messages', {
                method: 'POST',
                headers: { 'Content-Type': 'application/json' },
                body: JSON.stringify({ from: phone, voice: words, profileName: $('profile-name').value })
            });
            $('status-line').textContent = 'Voice note delivered to gateway: ' + result.gatewayStatus;
        } catch (e) {
            $('status-line').textContent = 'Not sent: ' + e.message;
        }
        refresh();
    }

    $('voice-button').addEventListener('click', () => {
        const words = $('message-input').value;
        $('message-input').value = '';
        sendVoice(words);
    });
    $('composer').addEventListener('submit', (event) => {
        event.preventDefault();
        const text = $('message-input').value;
        $('message-input').value = '';
        send(text, null);
    });
    // The Flash app's "Send code": Flash issues a login code for this phone, as it does when the app asks for one.
    $('send-code').addEventListener('click', async () => {
        if (!phone) { $('send-code-result').textContent = 'Choose a phone first.'; return; }
        $('send-code-result').textContent = 'Sending…';
        try {
            const sent = await json('/sandbox/flash/app/send-code', {
                method: 'POST',
                headers: { 'Content-Type': 'application/json' },
                body: JSON.stringify({ phone: phone })
            });
            $('otp').textContent = sent.code;
            $('send-code-result').textContent = 'Code sent by SMS, valid until '
                + new Date(sent.expiresAt).toLocaleTimeString() + '. Send it to the bot.';
        } catch (e) {
            $('send-code-result').textContent = 'No code: ' + e.message;
        }
    });
    document.querySelectorAll('#guide button.try').forEach((b) => b.addEventListener('click', () => {
        $('message-input').value = b.dataset.text;
        $('message-input').focus();
    }));
    $('use-phone').addEventListener('click', () => usePhone($('phone').value));
    $('user-select').addEventListener('change', (event) => usePhone(event.target.value));
    $('pay-button').addEventListener('click', async () => {
        try {
            const result = await json('/sandbox/flash/payments', {
                method: 'POST',
                headers: { 'Content-Type': 'application/json' },
                body: JSON.stringify({ toPhone: phone, amount: Number($('pay-amount').value),
                    walletCurrency: $('pay-currency').value, memo: 'Sandbox payment' })
            });
            $('pay-result').textContent = 'Paid: ' + result.transactionId;
        } catch (e) {
            $('pay-result').textContent = 'Payment failed: ' + e.message;
        }
        refresh();
    });
    $('create-user').addEventListener('click', async () => {
        try {
            await json('/sandbox/flash/users', {
                method: 'POST',
                headers: { 'Content-Type': 'application/json' },
                body: JSON.stringify({ phone: phone, username: $('new-username').value || null,
                    btcSats: 0, usdCents: Number($('new-usd').value), displayCurrency: 'USD' })
            });
            await loadUsers();
        } catch (e) {
            $('pay-result').textContent = 'Could not create: ' + e.message;
        }
        refresh();
    });

    loadUsers().catch((e) => { $('status-line').textContent = 'Could not load users: ' + e.message; });
    setInterval(refresh, 1000);
})();
