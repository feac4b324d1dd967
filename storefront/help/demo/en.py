"""The English FAQ and new features of the demo: every question and how-to of the user's help pages, in the
store's own words and labels."""

from __future__ import annotations

from datetime import date

# (group, [(question, answer)]): "{store}" becomes settings.STORE_NAME.
FAQ: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Getting started",
        [
            (
                "Where can I find help?",
                "Find different choices for help or inquire in a single help section: click \"help\" in the upper "
                "right-hand side of any page. There you will find:\n\n"
                "1. The support phone number\n"
                "2. Chat support\n"
                "3. The list of frequently asked questions\n"
                "4. Questions or Concerns, whether or not you are a {store} customer\n"
                "5. Forgot your password\n"
                "6. Become a {store} customer\n"
                "7. Already a {store} customer but still do not have access to the WebStore\n"
                "8. New features\n"
                "9. Locations and service centres\n\n"
                "We provide the means to meet all your requirements.",
            ),
            (
                "How do I become a {store} customer?",
                "To register as a {store} customer follow these simple steps:\n\n"
                "1. Open {store} in your browser.\n"
                "2. At the top of the screen, select your country and choose your language.\n"
                "3. Click the \"Become a Customer\" button (under \"help\" in the upper right corner of the screen).\n"
                "4. Complete the form with your data and the information requested for registering as a customer.\n\n"
                "Should it be required in your country, attach the documents requested. Each file must not exceed 1 MB; "
                "the types of documents allowed are PDF, JPG, Word or PNG.\n\n"
                "After registration is successful, one of our representatives will contact you to validate your "
                "information and to complete the registration process.",
            ),
            (
                "Which documents do I need to register as a customer in my country?",
                "The following is the information on a country basis:\n\n"
                "• Miami: no documents will be requested when registering from our WebStore.\n"
                "• Chile: National ID Card photocopy; Sole Tax Registry Form (RUT).\n"
                "• Colombia: Chamber of Commerce Certificate; Sole Tax Registry Form (RUT).\n"
                "• Costa Rica: National ID Card photocopy and a sales invoice.\n"
                "• Ecuador: no documents will be requested when registering from our WebStore.\n"
                "• El Salvador: no documents will be requested when registering from our WebStore.\n"
                "• Guatemala: Personal ID Document (DPI); Tax ID Number.\n"
                "• Jamaica: no documents will be requested when registering from our WebStore.\n"
                "• Mexico: Certificate of fiscal standing; Legal Representative official ID (INE, ID Card, Passport).\n"
                "• Panama: no documents will be requested when registering from our WebStore.\n"
                "• Peru: no documents will be requested when registering from our WebStore.\n"
                "• Uruguay: no documents will be requested when registering from our WebStore.\n\n"
                "Each file must not exceed 1 MB and must be a PDF, JPG, Word or PNG document.",
            ),
            (
                "I am already a customer: how do I get access to the WebStore?",
                "If you are a customer and want to access our WebStore to see our products offer:\n\n"
                "1. Open {store} in your browser.\n"
                "2. At the top of the screen, select your country and choose the language you want.\n"
                "3. Click \"help\" in the upper right corner of the screen.\n"
                "4. Click the \"Request Access\" button under \"Already a customer but still do not have access to the WebStore?\"\n"
                "5. Enter the required information: country, assigned customer code, the email provided when "
                "registering, and your name.\n"
                "6. Check your email: you will receive a message with the request for the existing customer account.\n\n"
                "You only need your {store} customer code to use it.",
            ),
            (
                "How do I retrieve my password?",
                "1. Click \"help\" in the upper right-hand side of your screen.\n"
                "2. On that page, locate the item \"Forgot your password\".\n"
                "3. In the form that appears, enter your User ID and the email you gave when registering, and click send.\n"
                "4. Check your email inbox: you will receive a link to set a new password.\n\n"
                "For your security we never send passwords by email; the link works once and for a limited time.",
            ),
            (
                "How do I change my password?",
                "To change your password, follow these simple steps:\n\n"
                "1. Sign in to your account using your assigned username and password.\n"
                "2. Open \"MY ACCOUNT\" in the upper right corner.\n"
                "3. Click \"Change Password\".\n"
                "4. Enter your current password and the new password.\n"
                "5. Click \"Update\".\n\n"
                "Remember that your password must include:\n"
                "• At least one letter\n"
                "• At least one capital letter\n"
                "• At least one number\n"
                "• At least 8 characters and at most 25 characters\n"
                "• For your account's security, not the name of the account holder or of the company\n"
                "Example password: Computer*12",
            ),
        ],
    ),
    (
        "Orders and quotes",
        [
            (
                "How do I buy products?",
                "1. Sign in to your account with the assigned username and password.\n"
                "2. Choose the product of your choice. Click \"Add to cart\".\n"
                "3. The store offers you \"Go to cart\" or \"Continue Shopping\":\n"
                "- Select \"Continue Shopping\" to go back to the screen you were browsing.\n"
                "- Click \"Go to cart\" to go straight to the products you selected. There you can change the amount "
                "of units of a product and click \"update\", or click \"remove\" to take a product off your list.\n"
                "Another quick way to buy products you already know is to type the SKU in the field \"Add item to cart\" "
                "and click \"Add to cart\". You can also add several products at the same time with \"Add multiple products\".\n"
                "4. Check your shopping list and click \"Generate Order\".\n"
                "5. Your order appears with a small form to select the type of shipment, write your observations and "
                "choose your payment method.\n"
                "6. Click \"Finish order\".",
            ),
            (
                "Where can I see the status of my orders?",
                "From this option you will see all the orders you have placed in our online store:\n\n"
                "1. Sign in with your username and password.\n"
                "2. Open \"MY ACCOUNT\".\n"
                "3. Go to \"Transactions\".\n"
                "4. Each order shows its status; click an order's number for its details.",
            ),
            (
                "How do I get a list of products with prices?",
                "The easiest way to get a list of products with prices:\n\n"
                "1. Sign in to your account with your username and password.\n"
                "2. Find the list of products you want, either by category or by brand.\n"
                "3. At the top of the list of products, locate \"Price List\". There you can download the list as an "
                "Excel (XLSX) or CSV file, as you prefer.\n"
                "4. The file holds each product's category, subcategory, name, brand, price, availability, part number, "
                "SKU and attributes.",
            ),
            (
                "How do I make a quote for my customer from a product?",
                "1. Sign in to your account with the assigned username and password.\n"
                "2. Browse to the product you want; in its details you will find \"Add to quote\". Click it.\n"
                "3. A confirmation tells you the product was added to the quote. You can continue adding products, "
                "or click \"Go to the quote\".\n"
                "4. The quote shows the number it is stored with. Complete the required information and add the profit "
                "you want to make on each line, as a percentage or an exact amount. There you can also select or edit "
                "your customer's information, add a customer and add more products.\n"
                "5. Click \"save and download\". A confirmation shows the number your quote was stored with; click "
                "\"save and download\" again.\n"
                "6. A PDF file downloads to your computer with the quote, ready to be delivered to your customer. It "
                "shows your prices to your customer, never our cost to you.",
            ),
            (
                "How do I turn my shopping cart into a quote?",
                "1. Add the products of your choice and the number of units you want with \"Add to cart\".\n"
                "2. Click \"Go to cart\".\n"
                "3. Check your shopping list and click \"Move to quote\".\n"
                "4. A warning tells you that the order will become a quotation and the shopping cart will be emptied. "
                "Click \"Accept\".\n"
                "5. The confirmation of the quote shows the number it was stored with. Open the quote by clicking its number.\n"
                "6. In the lower part click \"Activate Quote\". The store asks: \"The contents of your current quote will "
                "be replaced. Do you really want to activate this quote?\" Click \"Accept\".\n"
                "7. Complete the form with the required information and add the profit you want to make, as a percentage "
                "or an exact amount. You can also select or edit your customer's information, add a customer and add "
                "more products.\n"
                "8. Click \"save and download\"; in the confirmation message, click \"save and download\" again.\n"
                "9. A PDF file downloads to your computer with the quote, ready to be delivered to your customer.",
            ),
        ],
    ),
    (
        "Your account and contacts",
        [
            (
                "How do I create a user within my account?",
                "New users can be created only by an account administrator:\n\n"
                "1. Sign in with your username and password.\n"
                "2. Open \"MY ACCOUNT\".\n"
                "3. Go to \"contact list\".\n"
                "4. Click \"NEW CONTACT\".\n"
                "5. Enter the information requested and the permissions you want to give, and click \"SAVE\".\n\n"
                "Your new contact then receives the emails to confirm and activate their user.",
            ),
            (
                "How does a new contact activate their user?",
                "After the administrator saves a new contact:\n\n"
                "1. The new contact receives an email and clicks \"confirm\"; the store shows the confirmation notice. "
                "There is still one step left.\n"
                "2. The new contact receives a second email and clicks \"ACTIVATE USER\".\n"
                "3. They enter their email to receive a code.\n"
                "4. They enter the code received by email and click \"VALIDATE CODE\".\n"
                "5. Finally, they set a new password to enter the WebStore.\n\n"
                "And now they are ready to use the store.",
            ),
            (
                "How do I update my contacts' emails?",
                "If you are an account administrator:\n\n"
                "1. Sign in with your email and password.\n"
                "2. Open \"MY ACCOUNT\" and then \"contact list\": you see the contacts registered for the account. "
                "There you can create new contacts, edit their information and deactivate them.\n"
                "3. Use the edit option to modify your contact's email.\n"
                "4. After modifying the email, click \"Validate Email\" to confirm the process for your contact.\n\n"
                "Remember that your contact must validate the email to finish the process. You can also edit your "
                "contact's name, position and telephone number, and the accesses each contact is allowed.",
            ),
            (
                "How do I deactivate a contact?",
                "1. Open \"MY ACCOUNT\" and then \"contact list\".\n"
                "2. Select the contact and click the deactivate option.\n"
                "3. The store asks you to confirm that you want to deactivate the contact.\n"
                "4. The store tells you that the change has been registered.",
            ),
            (
                "How do I update my contact information?",
                "1. Sign in with your username and password.\n"
                "2. Open \"MY ACCOUNT\".\n"
                "3. Go to \"Contact information\".\n"
                "4. Update the data you want to change.\n"
                "5. Finish by clicking \"save\".\n\n"
                "* Blocked data can be updated only by your sales executive.\n"
                "* You can also update your data by telephone with the executive in charge of your account.",
            ),
        ],
    ),
    (
        "RMA and downloads",
        [
            (
                "How do I request an RMA?",
                "1. Sign in with your username and password.\n"
                "2. Open \"MY ACCOUNT\" and then \"RMA\": there you will find \"RMA Request\", \"RMA Status\" and the "
                "service centres available to you.\n"
                "3. Select \"RMA Request\".\n"
                "4. Fill in the form with the order number and your contact details.\n"
                "5. From that order, select the product your claim is about, and give the type of claim, the details of "
                "the problem and the product's serial number.\n"
                "6. Finally, click \"submit\".\n\n"
                "Within the following days you can follow up your request under \"RMA Status\".",
            ),
            (
                "Where do I find the licences I purchased?",
                "1. Sign in to the WebStore with your username and password.\n"
                "2. Open \"MY ACCOUNT\" and click \"My Downloads\".\n"
                "3. Click \"purchased licenses\".",
            ),
            (
                "Where do I find my distributed keys?",
                "1. Sign in with your username and password.\n"
                "2. Open \"MY ACCOUNT\" and click \"My Downloads\".\n"
                "3. Click \"Distributed keys\" on the left side of the screen.",
            ),
        ],
    ),
    (
        "Events",
        [
            (
                "How do I register for an event?",
                "To register for the events of interest:\n\n"
                "1. Click \"help\" in the upper right corner, then \"Events\".\n"
                "2. Select your country at the top of the page.\n"
                "3. Find the event of your choice in the list of events available.\n"
                "4. If you are registered in our WebStore, choose the \"{store} customer's contact\" option: sign in and "
                "your data is filled in for you.\n"
                "5. Otherwise, choose the \"Not {store} customer's contact\" option and fill out the form with your data.\n\n"
                "You receive a confirmation by email.",
            ),
        ],
    ),
    (
        "Volume licensing (VL)",
        [
            (
                "What does licensing by volume through WebStore orders consist of?",
                "{store} resellers can order Licensing by Volume through the WebStore.",
            ),
            (
                "For which countries is it available?",
                "It is available in all the countries where {store} offers Licensing by Volume. When placing their "
                "order, resellers must make sure to use the WebStore of their country (chosen at the top of the page).",
            ),
            (
                "Do I need a WebStore account to order VL?",
                "Yes. As a {store} customer you need a WebStore user, which lets you buy online and check prices and products.",
            ),
            (
                "How do I request access to the WebStore?",
                "{store} customers who still have no access will find \"Request Access\" in the help section, under "
                "\"Already a customer but still do not have access to the WebStore?\". You only need your {store} customer code.",
            ),
            (
                "Who can buy under this model?",
                "All resellers with active {store} accounts can buy Licensing by Volume online.",
            ),
            (
                "Which products qualify?",
                "All Licensing by Volume products of the Open Business, Open Value, Open Value Subscription and School programs.",
            ),
            (
                "What are the advantages of ordering VL online?",
                "Through the WebStore you can manage your orders 24/7. It also gives you a repository of detailed "
                "certificates and processed invoices for your customers.",
            ),
            (
                "What should I do if I have a special price for VL?",
                "You can enter a price different from the one the tool gives you: type the price you want when creating "
                "the order. Because of the price change, the order is held until your sales executive approves it.",
            ),
            (
                "How do I pay for my VL?",
                "Licensing by Volume orders placed through the WebStore follow the same credit process as the rest of your products.",
            ),
            (
                "Can I use my current {store} credit for the online purchase?",
                "Yes. Online purchases use the same credit line and follow the same terms the reseller has with {store}.",
            ),
            (
                "What do I do if I want to modify an order that was already submitted?",
                "If the order has not yet been processed by the manufacturer, it may be cancelled. Once an order has been "
                "processed by the manufacturer, it must go through the regular RMA process. Contact your sales executive "
                "as soon as you wish to cancel an order.",
            ),
            (
                "What are the return policies of Licensing by Volume orders?",
                "A Licensing by Volume order can only be cancelled within the first 60 days after it was processed, by "
                "placing a replacement order of equal or greater value. No RMA of Windows Legal is accepted, nor of cloud "
                "products that have already been activated.",
            ),
            (
                "How quickly will I receive my electronic certificate?",
                "24 hours after your order's status has changed to \"received\", the eCertificate is available in your "
                "WebStore account.",
            ),
            (
                "Can I view the history of my processed orders?",
                "Yes. Resellers who work through the WebStore have a repository with all the details of their Licensing "
                "by Volume orders, eCertificates and invoices.",
            ),
            (
                "How long are my processed orders kept?",
                "The data in your WebStore account's repository is kept without time limit.",
            ),
            (
                "How can I access the invoices?",
                "You can find a copy of all your invoices in your WebStore account: open \"MY ACCOUNT\" and then \"Invoices\".",
            ),
        ],
    ),
]

NEW_FEATURES: list[tuple[date, str, str]] = [
    (
        date(2025, 3, 3),
        "Price List as Excel or CSV",
        "Every product listing, by category, by brand or from a search, has a \"Price List\" download with "
        "your prices, availability, part numbers, SKUs and attributes.\nBig lists are prepared in the background "
        "and wait for you under \"My recent files\".",
    ),
    (
        date(2025, 5, 12),
        "Quotes for your customers",
        "Add products to a quote or move your whole cart to a quote, set your profit per line as a percentage or an "
        "exact amount, and download a PDF with your prices, ready for your customer.",
    ),
    (
        date(2025, 7, 21),
        "Volume licensing online",
        "Order Open Business, Open Value, Open Value Subscription and School licences through the WebStore, follow "
        "special prices until your sales executive approves them, and find your eCertificates under \"My Downloads\".",
    ),
    (
        date(2025, 9, 8),
        "Contact list for account administrators",
        "Administrators create contacts, give each one its permissions, validate their emails and deactivate them, "
        "all from \"MY ACCOUNT\", \"contact list\".",
    ),
    (
        date(2025, 11, 17),
        "A new help centre",
        "One help section with the support phone, chat support, searchable frequently asked questions, "
        "\"Questions or Concerns\", locations and service centres, and events in your country.",
    ),
]
